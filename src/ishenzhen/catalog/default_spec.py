"""A working render spec for any catalogue item, derived from its national elements.

Most of the 7,484 items have no hand-written spec; this is what the app shows for them. The guide lists the
item's elements under the headings a Chinese service guide (办事指南) uses; the form asks who applies (the
signed-in citizen's details prefilled), collects each material the applicant supplies, and ends with the
告知承诺 statement. An instant-approval item's form also asks what its rules read
(``catalog.rule_form``). Pure and deterministic: the same item and rule set always give the same spec.
"""

from __future__ import annotations

from typing import Literal

from ishenzhen.approvals import RuleSet
from ishenzhen.catalog.model import Material, ServiceItem
from ishenzhen.catalog.rule_form import rule_fields_step
from ishenzhen.ui.model import (
    AddressInput,
    Agreement,
    Component,
    ELicencePicker,
    FieldEquals,
    Form,
    FormStep,
    Guide,
    GuideSection,
    MobileInput,
    Notice,
    Option,
    Prefill,
    RadioInput,
    RenderSpec,
    ResidentIdInput,
    Section,
    TextInput,
    UploadSlot,
)

__all__ = ["CREDIT_CODE_PATTERN", "default_spec", "spec_for"]

# GB 32100 shape (the check character is verified server-side by ``lib.validators`` on registration).
CREDIT_CODE_PATTERN = "[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}"
_PERSON, _ENTERPRISE = "person", "enterprise"
_PROMISE = (
    "本人（本单位）承诺：所填写的信息和提交的材料真实、准确、完整、有效，复印件与原件一致；"
    "如有虚假，愿承担由此产生的一切法律责任。"
)
_KIND = {"original": "原件", "copy": "复印件"}
_FORM = {"paper": "纸质", "electronic": "电子", "paper_or_electronic": "纸质或电子"}
_CHANNEL = {
    "phone": "i深圳APP掌上办理",
    "online": "广东政务服务网网上办理",
    "window": "政务服务大厅窗口办理",
    "post": "邮寄申请材料",
}


def spec_for(item: ServiceItem, rule_set: RuleSet | None = None) -> RenderSpec:
    """The item's published spec: hand-written if it has one, else derived (with ``rule_set``'s fields)."""
    return item.render_spec or default_spec(item, rule_set)


def default_spec(item: ServiceItem, rule_set: RuleSet | None = None) -> RenderSpec:
    # Only spec 1.0 components: declared as such, so the documents (and their responses) stay what apps of
    # spec 1.0 read.
    steps = _steps(item, rule_set)
    return RenderSpec(spec_version="1.0", guide=Guide(sections=_guide(item)), form=Form(steps=steps))


# -- guide -------------------------------------------------------------------------------------------------
def _section(id: str, title: str, title_en: str, bullets: list[str], paragraphs: list[str] | None = None):
    return GuideSection(id=id, title=title, title_en=title_en, bullets=bullets, paragraphs=paragraphs or [])


def _material_line(material: Material) -> str:
    source = {"issuing_department": "由出具单位提供", "shared_data": "免提交，由部门通过数据共享调取"}
    parts = [f"{_KIND[material.kind]}{material.copies}份", _FORM[material.form]]
    parts.append("必交" if material.required else "选交")
    if material.source in source:
        parts.append(source[material.source])
    line = f"{material.name}（{'，'.join(parts)}）"
    return f"{line}：{material.notes}" if material.notes else line


def _process(item: ServiceItem) -> list[str]:
    online = [_CHANNEL[c] for c in item.channels]
    decide = (
        "即时办结"
        if item.case_type == "immediate"
        else f"部门审查，承诺{item.promised_days}个工作日内作出决定"
    )
    if item.instant_approval:
        decide = "系统自动比对核验，符合条件的即时批准（秒批）"
    return [
        f"申请：可通过{'、'.join(online)}",
        "受理：部门对申请材料进行审核，材料齐全、符合法定形式的予以受理",
        f"审查与决定：{decide}",
        f"办结：发放{item.result.name}（可在“i深圳”APP“我的办件”中查看）",
    ]


def _fees(item: ServiceItem) -> list[str]:
    charged = [fee for fee in item.fees if fee.charged]
    if not charged:
        return ["不收费"] + [fee.item for fee in item.fees]
    lines = []
    for fee in charged:
        line = f"{fee.item}：{fee.standard or '按规定标准收取'}"
        lines.append(f"{line}（依据：{fee.basis}）" if fee.basis else line)
        if fee.waiver:
            lines.append(f"减免：{fee.waiver}")
    return lines


def _time_limit(item: ServiceItem) -> list[str]:
    lines = [f"法定办结时限：{item.statutory_days}个工作日", f"承诺办结时限：{item.promised_days}个工作日"]
    if item.case_type == "immediate":
        lines.insert(0, "即办件：材料齐全、符合法定形式的当场办结")
    visits = {0: "到现场次数：0次（全程网办）", 1: "到现场次数：1次", 2: "到现场次数：2次及以上"}[item.visits]
    lines.append(f"{visits}{'（' + item.visit_reason + '）' if item.visit_reason else ''}")
    return lines


def _guide(item: ServiceItem) -> list[GuideSection]:
    sections = [
        _section("conditions", "办理条件", "Eligibility", list(item.acceptance_conditions) or ["无特别条件"]),
        _section(
            "materials",
            "申请材料",
            "Materials",
            [_material_line(m) for m in item.materials] or ["无需提交材料"],
        ),
        _section("process", "办理流程", "How to apply", _process(item)),
        _section("fees", "收费标准", "Fees", _fees(item)),
        _section("time_limit", "办理时限", "Time limit", _time_limit(item)),
    ]
    if item.legal_basis:
        sections.append(_section("legal_basis", "设定依据", "Legal basis", list(item.legal_basis)))
    if item.faq:
        paragraphs = [f"问：{faq.question}\n答：{faq.answer}" for faq in item.faq]
        sections.append(_section("faq", "常见问题", "FAQ", [], paragraphs))
    contact = [
        f"咨询电话：{item.enquiry_phone}",
        f"投诉电话：{item.complaint_phone}",
        f"进度查询：{item.progress_query}",
    ]
    sections.append(_section("contact", "咨询与投诉", "Enquiries and complaints", contact))
    return sections


# -- form --------------------------------------------------------------------------------------------------
def _profile(path: str) -> Prefill:
    return Prefill(source="profile", path=path)


def _person_fields(visible: FieldEquals | None) -> list[Component]:
    return [
        TextInput(
            id="applicant_name",
            label="申请人姓名",
            label_en="Applicant's name",
            required=True,
            max_length=50,
            visible_when=visible,
            prefill=_profile("name"),
        ),
        ResidentIdInput(
            id="applicant_id_number",
            label="公民身份号码",
            label_en="Resident ID number",
            required=True,
            visible_when=visible,
            prefill=_profile("id_number"),
        ),
    ]


def _enterprise_fields(visible: FieldEquals | None) -> list[Component]:
    return [
        TextInput(
            id="enterprise_name",
            label="单位名称",
            label_en="Organisation name",
            required=True,
            max_length=100,
            visible_when=visible,
            prefill=_profile("enterprise.name"),
        ),
        TextInput(
            id="enterprise_credit_code",
            label="统一社会信用代码",
            label_en="Unified social credit code",
            required=True,
            min_length=18,
            max_length=18,
            pattern=CREDIT_CODE_PATTERN,
            pattern_message="请输入18位统一社会信用代码",
            visible_when=visible,
            prefill=_profile("enterprise.credit_code"),
        ),
        TextInput(
            id="contact_name",
            label="经办人姓名",
            label_en="Contact person",
            required=True,
            max_length=50,
            visible_when=visible,
            prefill=_profile("name"),
        ),
    ]


def _applicant(item: ServiceItem) -> FormStep:
    components: list[Component] = []
    if item.online_depth in ("information", "download"):
        components.append(
            Notice(
                level="warning",
                text="本事项需到政务服务大厅窗口办理。在线填写的信息用于预约和预审，"
                "请按办事指南携带材料到现场。",
                text_en="This service is handled at a service hall; "
                "what you fill in here books and pre-checks your visit.",
            )
        )
    if item.audience == "natural_person":
        components += _person_fields(None)
    elif item.audience == "legal_person":
        components += _enterprise_fields(None)
    else:
        components.append(
            RadioInput(
                id="applicant_type",
                label="申请人类型",
                label_en="Applying as",
                required=True,
                options=[
                    Option(value=_PERSON, label="个人", label_en="An individual"),
                    Option(value=_ENTERPRISE, label="企业或其他组织", label_en="An organisation"),
                ],
            )
        )
        components += _person_fields(FieldEquals(field="applicant_type", value=_PERSON))
        components += _enterprise_fields(FieldEquals(field="applicant_type", value=_ENTERPRISE))
    components.append(
        MobileInput(
            id="contact_mobile",
            label="联系电话",
            label_en="Mobile number",
            required=True,
            prefill=_profile("mobile"),
        )
    )
    return FormStep(id="applicant", title="申请人信息", title_en="Applicant", components=components)


def _material_field(index: int, material: Material) -> Component:
    help_text = material.notes
    if material.form == "paper":
        help_text = f"{material.notes + '；' if material.notes else ''}请上传扫描件或照片，纸质原件按要求提交"
    field_id, label, required = f"material_{index}", material.name, material.required
    if material.e_licence_type is not None:
        return ELicencePicker(
            id=field_id,
            label=label,
            required=required,
            help=help_text,
            licence_type=material.e_licence_type,
            material=material.name,
        )
    photo = "照片" in material.name
    accept: list[Literal["image/jpeg", "image/png", "application/pdf"]] = (
        ["image/jpeg", "image/png"] if photo else []
    )
    return UploadSlot(
        id=field_id,
        label=label,
        required=required,
        help=help_text,
        material=material.name,
        accept=accept,
        max_files=1 if photo else 10,
    )


def _is_the_online_form(material: Material) -> bool:
    # The application form itself (申请表, filled in the app): this form is it, nothing to upload.
    return material.name == "申请表" and material.form == "electronic" and material.source == "applicant"


def _materials(item: ServiceItem) -> FormStep:
    components: list[Component] = []
    fetched = [m.name for m in item.materials if m.source == "shared_data"]
    for index, material in enumerate(item.materials, start=1):
        if material.source != "shared_data" and not _is_the_online_form(material):
            components.append(_material_field(index, material))
    if fetched:
        components.append(
            Notice(
                text=f"以下材料由部门通过数据共享或电子证照库调取，无需上传：{'、'.join(fetched)}",
                text_en="These materials are fetched from shared data; nothing to upload.",
            )
        )
    if not components:
        components.append(
            Notice(text="本事项无需上传申请材料。", text_en="Nothing to upload for this service.")
        )
    return FormStep(id="materials", title="申请材料", title_en="Materials", components=components)


def _confirm(item: ServiceItem) -> FormStep:
    components: list[Component] = []
    if "post" in item.channels:
        by_post = FieldEquals(field="delivery", value="post")
        components.append(
            Section(
                title="结果送达",
                title_en="Receiving the result",
                components=[
                    RadioInput(
                        id="delivery",
                        label="送达方式",
                        label_en="Delivery",
                        required=True,
                        options=[
                            Option(value="pickup", label="窗口领取", label_en="Collect at the hall"),
                            Option(value="post", label="邮寄送达", label_en="By post"),
                        ],
                    ),
                    AddressInput(
                        id="delivery_address",
                        label="邮寄地址",
                        label_en="Postal address",
                        visible_when=by_post,
                        required_when=by_post,
                    ),
                ],
            )
        )
    components.append(
        Agreement(id="promise", label="告知承诺", label_en="Declaration", required=True, text=_PROMISE)
    )
    return FormStep(id="confirm", title="确认提交", title_en="Confirm", components=components)


def _ids(components: list[Component]) -> set[str]:
    found: set[str] = set()
    for component in components:
        if isinstance(ident := getattr(component, "id", None), str):
            found.add(ident)
        if isinstance(component, Section):
            found |= _ids(component.components)
    return found


def _steps(item: ServiceItem, rule_set: RuleSet | None) -> list[FormStep]:
    steps = [_applicant(item), _materials(item), _confirm(item)]
    if rule_set is None:
        return steps
    # A field the rules read that the form already asks (``applicant_name``) is read from there.
    asked = set().union(*(_ids(step.components) for step in steps))
    step = rule_fields_step(rule_set, asked)
    # After who applies, before the materials: the answers an instant decision reads come first.
    return steps if step is None else [steps[0], step, *steps[1:]]
