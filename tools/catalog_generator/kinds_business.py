"""Service kinds of the departments an enterprise meets: registration, tax, trade, finance, funding."""

from __future__ import annotations

from tools.catalog_generator.kind_group import (
    BENEFIT,
    BOTH,
    CONFIRM,
    LEGAL,
    LEVY,
    LICENCE,
    OTHER,
    PERSON,
    REWARD,
    RULING,
    SERVICE,
    KindGroup,
    cross,
    d,
    g,
)

__all__ = ["BUSINESS_KINDS"]

_LICENCE_ACTIONS = "核发 变更 延续 注销 补证"
_FIRM = "营业执照 法定代表人身份证明"

BUSINESS_KINDS: dict[str, tuple[KindGroup, ...]] = {
    "market-regulation": (
        g(
            "{}",
            "企业设立登记 分公司设立登记 外商投资企业设立登记 农民专业合作社设立登记 企业名称自主申报 "
            "合伙企业设立登记 个人独资企业设立登记",
            LEGAL,
            LICENCE,
            "start_up",
            mats="申请表 公司章程 住所（经营场所）使用证明 居民身份证",
            heat=5,
            instant_candidate=True,
            result=("营业执照", "licence"),
            statutory_days=15,
        ),
        g(
            "{}",
            "个体工商户设立登记 个体工商户变更登记 个体工商户注销登记 个体工商户年度报告",
            BOTH,
            LICENCE,
            "start_up employment",
            mats="居民身份证 住所（经营场所）使用证明",
            heat=5,
            instant_candidate=True,
            result=("营业执照", "licence"),
            statutory_days=15,
        ),
        g(
            "{}",
            "企业变更登记 企业备案 外商投资企业变更登记 股权出质登记 动产抵押登记 商事主体年度报告公示 "
            "营业执照遗失补领 营业执照电子证照下载 经营异常名录移出申请 严重违法失信名单移出申请 信用修复申请",
            LEGAL,
            CONFIRM,
            "start_up operating_permits",
            mats=_FIRM + " 股东会决议",
            heat=4,
            instant_candidate=True,
        ),
        g(
            "{}",
            "企业注销登记 企业简易注销登记 分公司注销登记 外商投资企业注销登记 农民专业合作社注销登记",
            LEGAL,
            LICENCE,
            "deregistration",
            mats=_FIRM + " 清税证明 股东会决议",
            heat=4,
            instant_candidate=True,
            statutory_days=15,
        ),
        *cross(
            "食品经营许可证 食品生产许可证 药品经营许可证 药品零售许可证 医疗器械经营许可证 第二类医疗器械经营备案凭证 "
            "化妆品生产许可证 特种设备生产许可证 工业产品生产许可证 计量器具型式批准证书 检验检测机构资质认定证书 "
            "特殊食品生产许可证 食品小作坊登记证",
            _LICENCE_ACTIONS,
            LEGAL,
            LICENCE,
            "operating_permits qualifications",
            mats=_FIRM + " 场地平面图 管理制度文本",
            result="{}",
            heat=2,
            level="district",
            basis="《中华人民共和国食品安全法》 《中华人民共和国药品管理法》 《医疗器械监督管理条例》",
        ),
        d(
            "{}",
            "食品经营许可证核发（小餐饮） 食品摊贩登记 网络食品交易第三方平台备案 特种设备使用登记 特种设备作业人员资格认定 "
            "计量标准考核 强制检定工作计量器具备案 认证机构设立审批 商标专用权质押登记 专利权质押登记 "
            "知识产权资助申领 地理标志产品保护申请 标准化项目资助申领 企业标准自我声明公开",
            LEGAL,
            LICENCE,
            "operating_permits intellectual_property",
            mats=_FIRM,
            heat=2,
        ),
        d(
            "{}",
            "消费投诉 消费举报 价格投诉 产品质量投诉 广告违法举报 商标侵权举报",
            PERSON,
            SERVICE,
            "legal_services",
            mats="居民身份证",
            heat=4,
        ),
    ),
    "taxation": (
        d(
            "{}",
            "个人所得税综合所得汇算清缴 个人所得税专项附加扣除信息采集 个人所得税纳税记录开具 "
            "个人房屋出租代开发票 自然人代开增值税发票 车辆购置税申报 契税申报 房产交易个人所得税申报 "
            "完税证明开具 个人所得税退税申请",
            PERSON,
            LEVY,
            "housing tax",
            mats="居民身份证",
            heat=5,
            instant_candidate=True,
            scope="nationwide",
        ),
        d(
            "{}",
            "新办纳税人套餐式服务 一照一码户信息变更 增值税一般纳税人登记 发票领用 发票代开 增值税专用发票最高开票限额审批 "
            "增值税申报 企业所得税月（季）度预缴申报 企业所得税年度汇算清缴 印花税申报 房产税申报 城镇土地使用税申报 "
            "出口退（免）税备案 出口退税申报 跨区域涉税事项报告 清税申报 税务注销即办 纳税信用修复 "
            "纳税信用评价结果查询 社会保险费申报缴纳 残疾人就业保障金申报 文化事业建设费申报 税收优惠备案",
            LEGAL,
            LEVY,
            "tax start_up",
            mats="营业执照 纳税申报表",
            heat=4,
            instant_candidate=True,
        ),
        d(
            "{}",
            "税务行政复议申请 纳税担保 欠税公告查询 税务文书送达确认 办税服务厅预约",
            BOTH,
            OTHER,
            "tax",
            mats="营业执照 居民身份证",
            heat=2,
        ),
    ),
    "commerce": (
        g(
            "{}",
            "对外贸易经营者备案登记 外商投资信息报告 单用途商业预付卡备案 成品油零售经营资格审批 "
            "报废机动车回收企业资质认定 二手车交易市场备案 拍卖企业设立许可 商业特许经营备案 直销企业服务网点核查 "
            "境外投资备案 商务发展专项资金申领 会展业资助申领 出口信用保险保费资助申领 电子商务示范企业认定",
            LEGAL,
            OTHER,
            "trade funding",
            mats=_FIRM,
            heat=2,
            sub="变更 注销",
        ),
    ),
    "development-reform": (
        g(
            "{}",
            "社会投资项目备案 企业投资项目核准 企业投资项目备案变更 外商投资项目核准 外商投资项目备案 "
            "政府投资项目建议书审批 政府投资项目可行性研究报告审批 固定资产投资项目节能审查 "
            "重点项目认定 价格认定申请 定价成本监审 粮食收购资格备案",
            LEGAL,
            OTHER,
            "investment_construction",
            mats="项目基本情况说明 营业执照",
            heat=3,
            instant_candidate=True,
        ),
        d(
            "{}",
            "区级社会投资项目备案 区级政府投资项目概算审批",
            LEGAL,
            OTHER,
            "investment_construction",
            mats="项目基本情况说明",
        ),
    ),
    "industry-it": (
        g(
            "{}",
            "工业企业技术改造资助申领 工业设计中心认定 专精特新中小企业认定 无线电台执照核发 无线电频率使用许可 "
            "无线电发射设备销售备案 工业互联网发展扶持计划申报 首台（套）重大技术装备认定 "
            "新能源汽车推广应用财政补助申领 软件企业认定",
            LEGAL,
            REWARD,
            "funding qualifications",
            mats=_FIRM + " 财务审计报告",
            heat=2,
        ),
    ),
    "science-technology": (
        g(
            "{}",
            "高新技术企业认定 高新技术企业培育资助申领 科技型中小企业评价 技术合同认定登记 "
            "研发资助申领 科技创新券申领 实验动物许可证核发 科学技术奖提名 外国人才工作许可 "
            "新型研发机构认定 孵化器认定 重点实验室认定",
            LEGAL,
            REWARD,
            "funding qualifications",
            mats=_FIRM + " 财务审计报告",
            heat=3,
            instant_candidate=True,
            sub="变更",
        ),
    ),
    "sme-services": (
        g(
            "{}",
            "中小企业贷款贴息申领 中小企业融资担保费资助申领 小微企业认定 民营及中小企业创新发展培育扶持 "
            "中小企业服务券申领 企业上市培育资助申领",
            LEGAL,
            BENEFIT,
            "funding",
            mats=_FIRM,
            heat=2,
        ),
    ),
    "investment-promotion": (
        g(
            "{}",
            "外商投资企业投诉受理 总部企业认定 外资企业落户奖励申领 招商项目对接申请",
            LEGAL,
            SERVICE,
            "investment_construction funding",
            mats=_FIRM,
        ),
    ),
    "customs": (
        g(
            "{}",
            "报关单位备案 进出口货物收发货人备案 进出口货物报关 出口货物原产地证书签发 "
            "海关注册登记变更 海关注销登记 加工贸易手册设立 保税仓库设立审批 进境动植物检疫审批 "
            "出入境特殊物品卫生检疫审批 进口食品境外出口商备案 海关预裁定申请",
            LEGAL,
            LICENCE,
            "trade",
            mats=_FIRM + " 进出口合同",
            heat=2,
            sub="变更 注销",
        ),
        g(
            "{}",
            "旅客行李物品申报 个人邮递物品申报 国际旅行人员健康申明卡申报",
            PERSON,
            OTHER,
            "exit_entry",
            mats="居民身份证",
            heat=2,
        ),
    ),
    "local-financial-regulation": (
        g(
            "{}",
            "小额贷款公司设立审批 小额贷款公司变更审批 融资担保公司设立许可 融资担保公司变更许可 "
            "典当行设立审批 商业保理公司设立备案 融资租赁公司变更备案 地方金融组织年度报告 "
            "金融业发展专项资金申领",
            LEGAL,
            LICENCE,
            "operating_permits funding",
            mats=_FIRM + " 验资证明",
        ),
    ),
    "state-assets": (
        g(
            "{}",
            "国有资产产权登记 国有资产评估项目备案 国有产权转让审批 国有企业投资项目备案",
            LEGAL,
            CONFIRM,
            "investment_construction",
            mats=_FIRM,
            heat=1,
        ),
    ),
    "statistics": (
        g(
            "{}",
            "统计调查项目审批 涉外统计调查机构资格认定 统计数据使用申请 统计信用修复申请 "
            "联网直报企业名录维护",
            LEGAL,
            OTHER,
            "operating_permits",
            mats=_FIRM,
            heat=1,
        ),
    ),
    "tobacco": (
        g(
            "烟草专卖零售许可证{}",
            "新办 延续 变更 停业 歇业 恢复营业 补办",
            BOTH,
            LICENCE,
            "operating_permits",
            mats="营业执照 居民身份证 住所（经营场所）使用证明",
            heat=2,
            result=("烟草专卖零售许可证", "licence"),
        ),
    ),
    "forex": (
        g(
            "{}",
            "外商直接投资外汇登记 境外直接投资外汇登记 个人外汇业务咨询 贸易外汇收支企业名录登记 "
            "外债登记 资本项目信息查询",
            BOTH,
            CONFIRM,
            "trade",
            mats=_FIRM,
            heat=1,
        ),
    ),
    "central-bank": (
        g(
            "{}",
            "个人信用报告查询 企业信用报告查询 征信异议申请 银行账户开立备案查询 反假货币收缴复核",
            BOTH,
            SERVICE,
            "funding",
            mats="居民身份证",
            heat=3,
        ),
    ),
    "qianhai": (
        g(
            "{}",
            "前海港澳青年创业资助申领 前海企业所得税优惠目录产业认定 前海境外高端紧缺人才个税补贴申领 "
            "前海港澳专业人士执业备案 前海产业用房租金补贴申领 前海合作区企业注册指引",
            BOTH,
            BENEFIT,
            "funding talent",
            mats="居民身份证 营业执照",
            heat=2,
        ),
    ),
    "federation-industry-commerce": (
        g(
            "{}",
            "商会登记指导 民营企业维权投诉 非公有制经济代表人士推荐",
            LEGAL,
            SERVICE,
            "social_organisations",
            mats=_FIRM,
            heat=1,
        ),
    ),
    "finance": (
        g(
            "{}",
            "会计代理记账业务许可 代理记账机构变更 政府采购供应商投诉 政府采购进口产品审核 "
            "非税收入缴款 财政票据查验 会计人员信息采集",
            BOTH,
            LICENCE,
            "tax operating_permits",
            mats=_FIRM,
            heat=2,
        ),
    ),
    "public-resources-trading": (
        g(
            "{}",
            "交易主体注册 建设工程招标备案 政府采购项目投标 土地使用权出让竞买报名 投标保证金退还 "
            "交易结果公示查询",
            LEGAL,
            SERVICE,
            "investment_construction",
            mats=_FIRM,
            heat=2,
        ),
    ),
    "social-organisations": (
        g(
            "{}",
            "社会团体成立登记 社会团体变更登记 社会团体注销登记 民办非企业单位成立登记 民办非企业单位变更登记 "
            "民办非企业单位注销登记 基金会设立登记 基金会变更登记 社会组织年度报告 社会组织评估申请",
            LEGAL,
            LICENCE,
            "social_organisations",
            mats="申请书 会员大会决议 验资证明",
            heat=1,
        ),
    ),
    "public-institution-registration": (
        g(
            "{}",
            "事业单位法人设立登记 事业单位法人变更登记 事业单位法人注销登记 事业单位法人年度报告公示 "
            "事业单位法人证书补领",
            LEGAL,
            CONFIRM,
            "social_organisations",
            mats="申请书 法定代表人身份证明",
            heat=1,
        ),
    ),
    "labour-arbitration": (
        d(
            "{}",
            "劳动人事争议仲裁申请 劳动人事争议调解申请 仲裁案件进度查询 仲裁文书送达 仲裁裁决书补正",
            BOTH,
            RULING,
            "human_resources legal_services",
            mats="居民身份证 劳动合同",
            heat=3,
        ),
    ),
    "audit": (
        g("{}", "审计举报受理 审计结果公告查询 内部审计协会会员登记", BOTH, SERVICE, "funding", heat=1),
    ),
}
