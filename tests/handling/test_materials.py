"""Uploads: type by content, caps, metadata stripped, and only ever served to their owner."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable

from httpx import Response
from PIL import Image
from pypdf import PdfWriter

from tests.handling.helpers import Client, Headers, png
from tests.identity.conftest import L2, L3

Citizen = Callable[..., Awaitable[Headers]]
GPS_IFD = 0x8825


def jpeg_with_location() -> bytes:
    image = Image.new("RGB", (32, 16), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    exif[GPS_IFD] = {1: "N", 2: (22.0, 32.0, 0.0), 3: "E", 4: (114.0, 3.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def pdf(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


async def send(
    client: Client, auth: Headers, content: bytes, media_type: str = "application/octet-stream"
) -> Response:
    return await client.post(
        "/v1/materials",
        params={"name": "材料"},
        content=content,
        headers={**auth, "Content-Type": media_type},
    )


async def test_photos_lose_their_location_and_are_turned_upright(client: Client, citizen: Citizen) -> None:
    auth = await citizen(L2)
    original = jpeg_with_location()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)
    answer = await send(client, auth, original, "image/jpeg")
    assert answer.status_code == 201, answer.text
    stored = answer.json()
    assert stored["media_type"] == "image/jpeg" and stored["id"].startswith("upl_")
    content = await client.get(f"/v1/materials/{stored['id']}", headers=auth)
    assert content.status_code == 200 and content.headers["content-type"] == "image/jpeg"
    assert content.headers["cache-control"] == "private, no-store"
    cleaned = Image.open(io.BytesIO(content.content))
    assert dict(cleaned.getexif()) == {}
    assert cleaned.size == (16, 32)  # the orientation was applied, then dropped


async def test_the_type_comes_from_the_bytes_not_the_label(client: Client, citizen: Citizen) -> None:
    auth = await citizen(L2)
    labelled_wrong = await send(client, auth, png(), "image/jpeg")
    assert labelled_wrong.status_code == 415
    assert "labelled image/jpeg" in labelled_wrong.json()["detail"]
    script = await send(client, auth, b"<script>alert(1)</script>", "image/png")
    assert script.status_code == 415
    unlabelled = await send(client, auth, png())
    assert unlabelled.status_code == 201
    assert unlabelled.json()["media_type"] == "image/png"


async def test_damaged_empty_and_oversize_uploads_are_refused(client: Client, citizen: Citizen) -> None:
    auth = await citizen(L2)
    assert (await send(client, auth, png()[:40])).status_code == 422
    assert (await send(client, auth, b"")).status_code == 422
    assert (await send(client, auth, b"%PDF-1.7 nothing else")).status_code == 422
    huge = b"\x89PNG\r\n\x1a\n" + bytes(11 * 1024 * 1024)
    answer = await send(client, auth, huge)
    assert answer.status_code == 413


async def test_pdf_pages_are_counted_and_capped(client: Client, citizen: Citizen) -> None:
    auth = await citizen(L2)
    fine = await send(client, auth, pdf(3), "application/pdf")
    assert fine.status_code == 201, fine.text
    too_many = await send(client, auth, pdf(51), "application/pdf")
    assert too_many.status_code == 413
    assert "51 pages" in too_many.json()["detail"]


async def test_an_upload_is_served_to_its_owner_only(client: Client, citizen: Citizen) -> None:
    owner = await citizen(L2)
    stored = (await send(client, owner, png())).json()
    other = await citizen(L3)
    theirs = await client.get(f"/v1/materials/{stored['id']}", headers=other)
    nothing = await client.get("/v1/materials/upl_00000000000000000000000000000000", headers=other)
    assert theirs.status_code == nothing.status_code == 404
    assert (await client.get(f"/v1/materials/{stored['id']}")).status_code == 401
