"""Uploaded materials: the type by sniffing the bytes, size and page caps, images re-encoded without metadata.

The declared ``Content-Type`` is never trusted: the first bytes decide (JPEG, PNG or PDF), and a declared type
that disagrees is refused as mislabelled. Images are decoded and written again with Pillow, which drops EXIF
(GPS position, camera serial) and any text chunks, after turning the picture upright by its EXIF
orientation; a decompression bomb is refused by a pixel cap. PDFs are opened with pypdf to count pages (and
refused when encrypted or unreadable).

Content goes to a ``MaterialStorage``; the default keeps it in PostgreSQL next to the row. An
S3-compatible store would implement the same two methods and keep only an object key in the row.
"""

from __future__ import annotations

import hashlib
import io
import uuid
import warnings
from dataclasses import dataclass
from typing import Any, Protocol

from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from ishenzhen.errors import ContentTooLarge, FieldError, InvalidInput, UnsupportedMediaType

__all__ = [
    "MEDIA_TYPES",
    "MaterialStorage",
    "PostgresStorage",
    "PreparedMaterial",
    "UnsupportedMaterial",
    "parse_public_id",
    "prepare",
    "public_id",
    "sniff",
]

MEDIA_TYPES = ("image/jpeg", "image/png", "application/pdf")
MAX_PIXELS = 40_000_000  # a 40 MP photo; a decompression bomb is far more
UNDECLARED = frozenset({"", "application/octet-stream"})
_PREFIX = "upl_"


class UnsupportedMaterial(UnsupportedMediaType):
    """Not a JPEG, PNG or PDF (by its bytes), or labelled as something it is not."""


def public_id(material_id: uuid.UUID) -> str:
    return f"{_PREFIX}{material_id.hex}"


def parse_public_id(value: str) -> uuid.UUID | None:
    if not value.startswith(_PREFIX) or len(value) != len(_PREFIX) + 32:
        return None
    try:
        return uuid.UUID(hex=value[len(_PREFIX) :])
    except ValueError:
        return None


def sniff(content: bytes) -> str | None:
    """The media type the bytes are, by their magic numbers; None for anything else."""
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    # A PDF may have a few bytes of junk before the header (ISO 32000-1 §7.5.2 lets readers look for it).
    if b"%PDF-" in content[:1024]:
        return "application/pdf"
    return None


@dataclass(frozen=True, slots=True)
class PreparedMaterial:
    media_type: str
    content: bytes
    pages: int
    sha256: bytes


def _reencode(content: bytes, media_type: str) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(content)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise _too_big(f"the picture has more than {MAX_PIXELS:,} pixels")
                image.load()
                upright = ImageOps.exif_transpose(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_big(f"the picture has more than {MAX_PIXELS:,} pixels") from None
        except (OSError, ValueError, SyntaxError):
            raise _bad("the picture cannot be read (damaged or not really an image)") from None
    out = io.BytesIO()
    if media_type == "image/jpeg":
        if upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        # No exif=, icc_profile= or comment=: nothing of the original's metadata is written.
        upright.save(out, format="JPEG", quality=90, optimize=True)
    else:
        upright.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _count_pages(content: bytes, max_pages: int) -> int:
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise _bad("the PDF is encrypted: upload it without a password")
        pages = len(reader.pages)
    except (PyPdfError, OSError, ValueError, KeyError, TypeError):
        raise _bad("the PDF cannot be read (damaged or not really a PDF)") from None
    if pages < 1:
        raise _bad("the PDF has no pages")
    if pages > max_pages:
        raise _too_big(f"the PDF has {pages} pages; at most {max_pages} are accepted")
    return pages


def _bad(reason: str) -> InvalidInput:
    return InvalidInput(reason, errors=[FieldError(location="body", name="", reason=reason)])


def _too_big(reason: str) -> ContentTooLarge:
    return ContentTooLarge(reason, errors=[FieldError(location="body", name="", reason=reason)])


def prepare(content: bytes, declared: str, *, max_pages: int) -> PreparedMaterial:
    """Check and clean an upload (CPU-bound: run it off the event loop)."""
    if not content:
        raise _bad("the upload is empty")
    media_type = sniff(content)
    if media_type is None:
        raise UnsupportedMaterial("only JPEG and PNG pictures and PDF documents are accepted")
    if declared not in UNDECLARED and declared != media_type:
        raise UnsupportedMaterial(f"the upload is labelled {declared} but its content is {media_type}")
    if media_type == "application/pdf":
        pages = _count_pages(content, max_pages)
        cleaned = content
    else:
        pages = 1
        cleaned = _reencode(content, media_type)
    return PreparedMaterial(media_type, cleaned, pages, hashlib.sha256(cleaned).digest())


@dataclass(frozen=True, slots=True)
class StoredObject:
    storage: str
    key: str | None
    inline: bytes | None


class MaterialStorage(Protocol):
    """Where material bytes live. ``save`` runs inside the row's transaction; ``load`` reads them back."""

    async def save(self, material_id: uuid.UUID, content: bytes) -> StoredObject: ...

    async def load(self, row: Any) -> bytes: ...


class PostgresStorage:
    """The default: the bytes are a column of the material's row (written in the same transaction)."""

    name = "postgres"

    async def save(self, material_id: uuid.UUID, content: bytes) -> StoredObject:
        return StoredObject(storage=self.name, key=None, inline=content)

    async def load(self, row: Any) -> bytes:
        content = row["content"]
        assert isinstance(content, bytes)
        return content
