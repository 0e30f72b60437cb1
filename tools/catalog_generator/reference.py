"""Reference tables: districts, themes, electronic-licence types, and the materials and fees items draw on."""

from __future__ import annotations

from typing import NamedTuple

from ishenzhen.catalog.model import MaterialForm, MaterialKind, MaterialSource

__all__ = ["DISTRICT_ROWS", "E_LICENCE_ROWS", "FEES", "MATERIALS", "THEME_ROWS", "FeeSpec", "MaterialSpec"]

# (division code, name, slug, kind, relative population weight used for popularity).
# Codes follow GB/T 2260; 龙华区 and 坪山区 became districts in 2016, 光明区 in 2018; 大鹏新区 is a
# functional area whose code 440312 is Shenzhen's own assignment.
DISTRICT_ROWS: tuple[tuple[str, str, str, str, int], ...] = (
    ("440303", "罗湖区", "luohu", "district", 11),
    ("440304", "福田区", "futian", "district", 15),
    ("440305", "南山区", "nanshan", "district", 18),
    ("440306", "宝安区", "baoan", "district", 45),
    ("440307", "龙岗区", "longgang", "district", 40),
    ("440308", "盐田区", "yantian", "district", 2),
    ("440309", "龙华区", "longhua", "district", 25),
    ("440310", "坪山区", "pingshan", "district", 5),
    ("440311", "光明区", "guangming", "district", 10),
    ("440312", "大鹏新区", "dapeng", "new_district", 2),
)

# (code, name, audience): life events of a person, then stages of an enterprise's life.
THEME_ROWS: tuple[tuple[str, str, str], ...] = (
    ("birth", "出生", "natural_person"),
    ("household", "户籍", "natural_person"),
    ("documents", "证件办理", "natural_person"),
    ("education", "教育", "natural_person"),
    ("employment", "就业创业", "natural_person"),
    ("talent", "人才引进", "natural_person"),
    ("marriage", "婚姻", "natural_person"),
    ("housing", "住房", "natural_person"),
    ("transport", "交通出行", "natural_person"),
    ("medical", "医疗", "natural_person"),
    ("social_security", "社会保障", "natural_person"),
    ("retirement", "退休养老", "natural_person"),
    ("disability", "残疾人服务", "natural_person"),
    ("veterans", "优待抚恤", "natural_person"),
    ("exit_entry", "出境入境", "natural_person"),
    ("legal_services", "法律服务", "natural_person"),
    ("culture_sports", "文化体育", "natural_person"),
    ("death", "身后事", "natural_person"),
    ("start_up", "企业开办", "legal_person"),
    ("operating_permits", "经营许可", "legal_person"),
    ("qualifications", "资质认定", "legal_person"),
    ("investment_construction", "投资建设", "legal_person"),
    ("tax", "税费缴纳", "legal_person"),
    ("human_resources", "人力资源", "legal_person"),
    ("trade", "进出口贸易", "legal_person"),
    ("funding", "资金扶持", "legal_person"),
    ("intellectual_property", "知识产权", "legal_person"),
    ("safety", "安全生产", "legal_person"),
    ("environment", "环境保护", "legal_person"),
    ("social_organisations", "社会组织", "legal_person"),
    ("deregistration", "企业注销", "legal_person"),
)

# (code, name, issuing body).
E_LICENCE_ROWS: tuple[tuple[str, str, str], ...] = (
    ("resident_id", "居民身份证", "深圳市公安局"),
    ("household_register", "居民户口簿", "深圳市公安局"),
    ("residence_permit", "深圳经济特区居住证", "深圳市公安局"),
    ("passport", "普通护照", "深圳市公安局出入境管理局"),
    ("hk_macau_permit", "往来港澳通行证", "深圳市公安局出入境管理局"),
    ("driving_licence", "机动车驾驶证", "深圳市公安局交通警察局"),
    ("vehicle_licence", "机动车行驶证", "深圳市公安局交通警察局"),
    ("business_licence", "营业执照", "深圳市市场监督管理局"),
    ("food_business_licence", "食品经营许可证", "深圳市市场监督管理局"),
    ("marriage_certificate", "结婚证", "深圳市民政局"),
    ("divorce_certificate", "离婚证", "深圳市民政局"),
    ("birth_certificate", "出生医学证明", "深圳市卫生健康委员会"),
    ("death_certificate", "居民死亡医学证明（推断）书", "深圳市卫生健康委员会"),
    ("practitioner_certificate", "医师执业证书", "深圳市卫生健康委员会"),
    ("vaccination_certificate", "预防接种证", "深圳市疾病预防控制中心"),
    ("real_estate_certificate", "不动产权证书", "深圳市不动产登记中心"),
    ("lease_filing", "房屋租赁凭证", "深圳市住房和建设局"),
    ("construction_permit", "建筑工程施工许可证", "深圳市住房和建设局"),
    ("planning_permit", "建设工程规划许可证", "深圳市规划和自然资源局"),
    ("pollutant_permit", "排污许可证", "深圳市生态环境局"),
    ("diploma", "学历证书", "教育部学信网"),
    ("degree_certificate", "学位证书", "中国学位与研究生教育信息网"),
    ("teacher_qualification", "教师资格证书", "深圳市教育局"),
    ("social_security_card", "社会保障卡", "深圳市人力资源和社会保障局"),
    ("professional_title", "专业技术资格证书", "深圳市人力资源和社会保障局"),
    ("skill_certificate", "职业技能等级证书", "深圳市人力资源和社会保障局"),
    ("disability_certificate", "中华人民共和国残疾人证", "深圳市残疾人联合会"),
    ("veteran_certificate", "退役军人证", "深圳市退役军人事务局"),
    ("road_transport_permit", "道路运输经营许可证", "深圳市交通运输局"),
    ("ride_hailing_driver_permit", "网络预约出租汽车驾驶员证", "深圳市交通运输局"),
    ("tax_clearance", "清税证明", "国家税务总局深圳市税务局"),
    ("elderly_card", "老年人优待证", "深圳市民政局"),
)


class MaterialSpec(NamedTuple):
    kind: MaterialKind
    form: MaterialForm
    source: MaterialSource
    e_licence_type: str | None
    notes: str | None


def _shared(licence: str) -> MaterialSpec:
    return MaterialSpec("original", "electronic", "shared_data", licence, "通过电子证照库调取，无需提交")


_BY_APPLICANT = MaterialSpec("original", "paper_or_electronic", "applicant", None, None)
_SIGNED = MaterialSpec("original", "paper_or_electronic", "applicant", None, "须由申请人签名或加盖单位公章")
_COPY = MaterialSpec("copy", "paper_or_electronic", "applicant", None, "复印件须注明“与原件一致”")
_ISSUED = MaterialSpec("original", "paper_or_electronic", "issuing_department", None, "由出具单位提供")

MATERIALS: dict[str, MaterialSpec] = {
    "申请表": MaterialSpec(
        "original", "electronic", "applicant", None, "在“i深圳”APP在线填写，无需另行提交纸质表格"
    ),
    "申请书": _SIGNED,
    "授权委托书": _SIGNED,
    "居民身份证": _shared("resident_id"),
    "居民户口簿": _shared("household_register"),
    "深圳经济特区居住证": _shared("residence_permit"),
    "普通护照": _shared("passport"),
    "往来港澳通行证": _shared("hk_macau_permit"),
    "机动车驾驶证": _shared("driving_licence"),
    "机动车行驶证": _shared("vehicle_licence"),
    "营业执照": _shared("business_licence"),
    "食品经营许可证": _shared("food_business_licence"),
    "结婚证": _shared("marriage_certificate"),
    "离婚证": _shared("divorce_certificate"),
    "出生医学证明": _shared("birth_certificate"),
    "居民死亡医学证明（推断）书": _shared("death_certificate"),
    "医师执业证书": _shared("practitioner_certificate"),
    "预防接种证": _shared("vaccination_certificate"),
    "不动产权证书": _shared("real_estate_certificate"),
    "房屋租赁凭证": _shared("lease_filing"),
    "建筑工程施工许可证": _shared("construction_permit"),
    "建设工程规划许可证": _shared("planning_permit"),
    "排污许可证": _shared("pollutant_permit"),
    "学历证书": _shared("diploma"),
    "学位证书": _shared("degree_certificate"),
    "教师资格证书": _shared("teacher_qualification"),
    "社会保障卡": _shared("social_security_card"),
    "专业技术资格证书": _shared("professional_title"),
    "职业技能等级证书": _shared("skill_certificate"),
    "中华人民共和国残疾人证": _shared("disability_certificate"),
    "退役军人证": _shared("veteran_certificate"),
    "道路运输经营许可证": _shared("road_transport_permit"),
    "清税证明": _shared("tax_clearance"),
    "法定代表人身份证明": _SIGNED,
    "公司章程": _SIGNED,
    "股东会决议": _SIGNED,
    "住所（经营场所）使用证明": _BY_APPLICANT,
    "房屋租赁合同": _COPY,
    "劳动合同": _COPY,
    "购房合同": _COPY,
    "近期免冠照片": MaterialSpec("original", "electronic", "applicant", None, "白色背景，可通过APP拍照上传"),
    "银行账户信息": _BY_APPLICANT,
    "医疗机构诊断证明": _ISSUED,
    "单位接收函": _ISSUED,
    "派出所证明": _ISSUED,
    "体检报告": _ISSUED,
    "无犯罪记录证明": _ISSUED,
    "退休审批表": _ISSUED,
    "在学证明": _ISSUED,
    "贷款合同": _COPY,
    "项目基本情况说明": _SIGNED,
    "场地平面图": _BY_APPLICANT,
    "设计文件": _BY_APPLICANT,
    "验收报告": _ISSUED,
    "检测报告": _ISSUED,
    "环境影响报告表": _BY_APPLICANT,
    "安全评价报告": _ISSUED,
    "专业人员资格证明": _COPY,
    "设备清单": _BY_APPLICANT,
    "管理制度文本": _BY_APPLICANT,
    "财务审计报告": _ISSUED,
    "纳税申报表": MaterialSpec("original", "electronic", "applicant", None, "通过电子税务局在线填报"),
    "进出口合同": _COPY,
    "车辆技术等级评定证明": _ISSUED,
    "驾驶经历证明": _ISSUED,
    "会员大会决议": _SIGNED,
    "验资证明": _ISSUED,
    "事故责任认定书": _ISSUED,
    "户籍证明": _ISSUED,
    "亲属关系证明": _BY_APPLICANT,
    "资金使用计划": _SIGNED,
}


class FeeSpec(NamedTuple):
    charged: bool
    item: str
    standard: str | None
    basis: str | None
    waiver: str | None


_GUANGDONG_LIST = "《广东省行政事业性收费目录清单》"

FEES: dict[str, FeeSpec] = {
    "resident_id": FeeSpec(
        True,
        "居民身份证工本费",
        "换领每证20元；丢失补领、损坏换领每证40元；临时居民身份证每证10元",
        "《中华人民共和国居民身份证法》第二十条",
        "城市生活无着的流浪乞讨人员和享受最低生活保障的居民免收",
    ),
    "passport": FeeSpec(True, "普通护照工本费", "每本120元", _GUANGDONG_LIST, None),
    "hk_macau": FeeSpec(
        True, "往来港澳通行证工本费", "电子通行证每证60元；签注每次15元", _GUANGDONG_LIST, None
    ),
    "driving": FeeSpec(True, "机动车驾驶证工本费", "每证10元", _GUANGDONG_LIST, None),
    "plates": FeeSpec(
        True, "机动车号牌工本费", "汽车号牌每副100元；摩托车号牌每副35元", _GUANGDONG_LIST, None
    ),
    "real_estate": FeeSpec(
        True,
        "不动产登记费",
        "住宅每件80元；非住宅每件550元",
        _GUANGDONG_LIST,
        "小微企业免收；申请不动产更正、异议登记的免收",
    ),
    "marriage": FeeSpec(False, "婚姻登记证书工本费（已停征）", None, None, None),
    "exam": FeeSpec(
        True, "考试考务费", "按广东省价格主管部门核定标准收取", _GUANGDONG_LIST, "享受最低生活保障的考生免收"
    ),
    "sewage": FeeSpec(
        True,
        "污水处理费",
        "居民生活用水每立方米0.9元；非居民用水按类别核定",
        "《城镇排水与污水处理条例》",
        None,
    ),
}
