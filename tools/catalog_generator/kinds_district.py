"""Service kinds handled by the district counterparts of municipal departments (区民政局, 公安分局, 监管局 …).

Each kind exists once per district. The municipal tables hold the district kinds that belong with a city
group; these are the everyday district and street services that have no city-level twin.
"""

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
    SERVICE,
    KindGroup,
    d,
)

__all__ = ["DISTRICT_KINDS"]

_ID = "居民身份证"
_FIRM = "营业执照 法定代表人身份证明"

DISTRICT_KINDS: dict[str, tuple[KindGroup, ...]] = {
    "civil-affairs": (
        d(
            "{}",
            "社区居家养老服务申请 长者助餐服务申请 独居老人关爱服务登记 残疾人两项补贴资格复核 最低生活保障资格复核 "
            "特困人员资格复核 低保边缘家庭认定 支出型困难家庭认定 慈善救助申请 社区社会组织备案 社工服务需求登记 "
            "养老服务消费券申领 长者饭堂就餐登记 困难群众节日慰问金发放 社区基金会设立指导",
            PERSON,
            BENEFIT,
            "social_security retirement",
            mats=_ID,
            heat=3,
        ),
    ),
    "human-resources": (
        d(
            "{}",
            "零就业家庭认定 就业援助对象帮扶 区级高层次人才认定 区人才安居补贴申领 创业孵化基地入驻申请 "
            "招聘会报名 企业招用重点群体就业补贴申领 就业见习单位认定 就业见习补贴申领 劳动关系和谐企业申报 "
            "劳动用工备案 经济性裁员报告 工资支付保证金缴存 欠薪垫付申请 职业介绍补贴申领",
            BOTH,
            BENEFIT,
            "employment human_resources",
            mats=_ID,
            heat=3,
        ),
    ),
    "health": (
        d(
            "{}",
            "家庭医生签约 老年人免费体检预约 孕产妇建档 儿童保健建卡 计划生育奖励金申领 独生子女父母光荣证补办 "
            "免费婚前医学检查预约 免费孕前优生健康检查预约 两癌筛查预约 免费避孕药具领取 社区健康服务机构设置审批 "
            "医疗美容机构执业登记 口腔诊所执业登记 中医诊所备案 护士执业地点变更",
            PERSON,
            SERVICE,
            "medical birth",
            mats=_ID,
            heat=3,
        ),
    ),
    "education": (
        d(
            "{}",
            "学籍转入 学籍转出 休学申请 复学申请 积分入学积分查询 学位房锁定查询 特殊教育学位申请 "
            "随迁子女入学资格审核 课后延时服务报名 校车使用许可 幼儿园设立审批 幼儿园变更登记 普惠性幼儿园认定 "
            "民办学校年度检查 校外培训机构年度检查",
            PERSON,
            SERVICE,
            "education",
            mats=_ID + " 居民户口簿",
            heat=3,
        ),
    ),
    "housing-construction": (
        d(
            "{}",
            "既有住宅加装电梯备案 老旧小区改造申请 出租屋安全隐患投诉 房屋租赁纠纷调解 公共住房配租签约 "
            "保障性住房租金缴纳 住房保障家庭资格年审 人才住房资格确认 商品房交付验收监督 物业服务投诉",
            PERSON,
            SERVICE,
            "housing",
            mats=_ID,
            heat=3,
        ),
    ),
    "urban-management": (
        d(
            "{}",
            "生活垃圾分类积分兑换 餐厨垃圾收运登记 建筑废弃物排放备案 公园绿地认养 城市照明报修 公厕报修 "
            "摊贩疏导区经营登记 市容环境卫生投诉",
            BOTH,
            SERVICE,
            "environment housing",
            mats=_ID,
            heat=2,
        ),
    ),
    "emergency-management": (
        d(
            "{}",
            "危险化学品仓库备案 安全生产标准化三级评审 工贸企业安全生产备案 应急救援队伍备案 三小场所安全检查预约 "
            "有限空间作业备案 危险作业报备 防汛物资申领",
            LEGAL,
            CONFIRM,
            "safety",
            mats=_FIRM,
            heat=1,
        ),
    ),
    "planning-natural-resources": (
        d(
            "{}",
            "土地使用权出让合同变更 建设用地批准书核发 宗地图核发 房屋面积测绘备案 违法用地举报 规划许可公示查询 "
            "建筑退线核定 地名证明开具",
            BOTH,
            CONFIRM,
            "investment_construction",
            mats=_FIRM,
            heat=1,
        ),
    ),
    "ecology-environment": (
        d(
            "{}",
            "固定污染源排污登记 环境监测数据查询 饮用水水源保护区内建设审批 工业噪声排放申报 环境信用评价申请 "
            "餐饮油烟排放投诉 工业固体废物申报登记 医疗废物转移联单备案",
            LEGAL,
            CONFIRM,
            "environment",
            mats=_FIRM,
            heat=1,
        ),
    ),
    "water": (
        d(
            "{}",
            "用水计划核定 节水器具改造补贴申领 排水户分类认定 三防责任人登记 水库垂钓许可 小型水利工程验收 "
            "河湖管理范围内开发利用登记 地下水取水登记",
            BOTH,
            LICENCE,
            "environment investment_construction",
            mats=_ID,
            heat=1,
        ),
    ),
    "public-security": (
        d(
            "{}",
            "户口迁入（市内迁移） 分户 立户 身份证明开具 集体户口挂靠 出租屋治安登记 流动人口信息登记 "
            "学生集体户口迁移 收养入户 港澳台人员入户 刑满释放人员恢复户口 服兵役注销户口 出国定居注销户口 "
            "户口簿加页 同音字更正",
            PERSON,
            CONFIRM,
            "household",
            mats=_ID + " 居民户口簿",
            heat=3,
        ),
    ),
    "traffic-police": (
        d(
            "{}",
            "驾驶证业务窗口预约 违法停车申诉 交通事故损害赔偿调解 校车标牌核发 占道施工交通组织审批 "
            "交通安全宣传预约 电动自行车驾驶人培训报名 临时停车泊位申请",
            BOTH,
            SERVICE,
            "transport",
            mats="机动车驾驶证",
            heat=2,
        ),
    ),
    "market-regulation": (
        d(
            "{}",
            "食品经营者备案 小食杂店备案 仅销售预包装食品备案 药品零售企业检查申请 特种设备使用登记变更 "
            "特种设备停用报废注销 计量器具强制检定申请 电梯维护保养单位备案 商品条码备案 户外广告发布登记 "
            "农贸市场食品安全快检 网络交易纠纷调解 餐饮服务食品安全等级评定 集体用餐配送单位备案 食品生产加工小作坊备案",
            LEGAL,
            LICENCE,
            "operating_permits",
            mats=_FIRM,
            heat=2,
        ),
    ),
    "taxation": (
        d(
            "{}",
            "税务登记信息变更 非正常户解除 增值税小规模纳税人免税申报 个体工商户定期定额核定 定额发票领用 发票验旧 "
            "发票缴销 税收完税证明补开 房屋交易税费计算 车船税缴纳 土地增值税清算 税收优惠资格认定 "
            "涉税专业服务机构备案 出口退税账户备案 纳税人身份信息报告",
            LEGAL,
            LEVY,
            "tax",
            mats=_FIRM,
            heat=3,
        ),
    ),
    "healthcare-security": (
        d(
            "{}",
            "医保定点机构申诉 医保待遇核查 门诊慢性病备案 特殊药品备案 医保关系暂停 医保缴费基数申报 医疗救助二次补助",
            PERSON,
            BENEFIT,
            "medical",
            mats=_ID,
            heat=2,
        ),
    ),
    "social-insurance-fund": (
        d(
            "{}",
            "社保业务窗口预约 社会保障卡即时制卡 养老金领取资格现场认证 退休人员信息变更 工伤医疗费报销 工伤康复申请 "
            "伤残职工待遇核定 供养亲属抚恤金申领",
            PERSON,
            BENEFIT,
            "social_security retirement",
            mats=_ID,
            heat=3,
        ),
    ),
    "housing-provident-fund": (
        d(
            "{}",
            "住房公积金单位开户窗口办理 住房公积金异地贷款缴存证明 住房公积金冲还贷签约 住房公积金个人信息变更 "
            "住房公积金贷款逾期协商",
            PERSON,
            SERVICE,
            "housing",
            mats=_ID,
            heat=2,
        ),
    ),
    "real-estate-registration": (
        d(
            "{}",
            "不动产权属证明查询 不动产权证书领取 不动产登记材料补正 集体土地使用权登记 地役权变更登记 在建建筑物抵押登记",
            BOTH,
            CONFIRM,
            "housing",
            mats=_ID + " 不动产权证书",
            heat=2,
        ),
    ),
    "culture-tourism-sports": (
        d(
            "{}",
            "文化市场投诉 社区图书馆借阅证办理 全民健身赛事报名 群众文艺团队备案 文化站活动报名 体育健身设施报修",
            PERSON,
            SERVICE,
            "culture_sports",
            mats=_ID,
            heat=2,
        ),
    ),
    "veterans": (
        d(
            "{}",
            "退役军人信息采集 退役军人就业推荐 退役军人临时救助 现役军人家属随军安置 退役军人困难帮扶 "
            "退役军人服务站预约",
            PERSON,
            SERVICE,
            "veterans",
            mats=_ID + " 退役军人证",
            heat=2,
        ),
    ),
    "disabled-persons-federation": (
        d(
            "{}",
            "残疾人机动轮椅车燃油补贴申领 残疾人家庭无障碍改造 残疾学生教育补助 残疾人居家托养服务 "
            "盲人保健按摩机构资助 精神残疾人监护补贴",
            PERSON,
            BENEFIT,
            "disability",
            mats=_ID,
            heat=2,
        ),
    ),
    "justice": (
        d(
            "{}",
            "人民调解员登记 律师见证预约 法治宣传进社区预约 社区法律顾问咨询 刑满释放人员安置帮扶 司法所法律服务预约",
            PERSON,
            SERVICE,
            "legal_services",
            mats=_ID,
            heat=2,
        ),
    ),
    "government-services-data": (
        d(
            "{}",
            "综合窗口受理 惠企政策申报 政务服务跟踪回访 证明事项告知承诺",
            BOTH,
            SERVICE,
            "documents start_up",
            mats=_ID,
            heat=2,
        ),
    ),
    "development-reform": (
        d(
            "{}",
            "重点项目申报 价格投诉举报 企业投资项目变更备案 节能审查意见变更",
            LEGAL,
            OTHER,
            "investment_construction",
            mats=_FIRM,
            heat=1,
        ),
    ),
    "fire-rescue": (
        d(
            "{}",
            "消防安全咨询 消防宣传培训预约 消防设施检测报告备案 消防控制室值班人员登记",
            LEGAL,
            SERVICE,
            "safety",
            mats=_FIRM,
            heat=1,
        ),
    ),
}
