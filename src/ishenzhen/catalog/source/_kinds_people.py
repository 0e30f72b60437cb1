"""Service kinds of the departments a resident meets most: police, civil affairs, social insurance, health."""

from __future__ import annotations

from ishenzhen.catalog.source._kind_group import (
    BENEFIT, BOTH, CONFIRM, LEGAL, LICENCE, OTHER, PERSON, REWARD, SERVICE, KindGroup, d, g,
)  # fmt: skip

__all__ = ["PEOPLE_KINDS"]

_FINGERPRINT = "需现场采集人像和指纹信息"
_IN_PERSON_CHECK = "需本人到场核验身份"

PEOPLE_KINDS: dict[str, tuple[KindGroup, ...]] = {
    "public-security": (
        g("居民身份证{}", "申领 换领 补领", PERSON, CONFIRM, "documents", mats="居民户口簿 近期免冠照片",
          fee="resident_id", heat=5, visit_reason=_FINGERPRINT, scope="nationwide",
          result=("居民身份证", "certificate")),
        g("临时居民身份证申领", "", PERSON, CONFIRM, "documents", mats="居民户口簿", fee="resident_id", heat=3),
        g("户口迁入（{}）", "人才引进 应届毕业生 夫妻投靠 子女投靠父母 父母投靠子女 留学回国人员 投资纳税 退休人员",
          PERSON, CONFIRM, "household", mats="居民身份证 居民户口簿", heat=4, instant_candidate=True,
          result=("准予迁入证明", "certificate")),
        d("户口迁出（{}）", "省内迁移 跨省迁移 出国定居 参军入伍", PERSON, CONFIRM, "household",
          mats="居民身份证 居民户口簿", heat=3),
        d("{}", "出生入户 死亡人员户口注销 户籍证明开具 户口簿补领 户口簿换领 户籍信息变更更正 姓名变更登记 民族成分变更",
          PERSON, CONFIRM, "household", mats="居民身份证 居民户口簿", heat=3),
        g("深圳经济特区居住证{}", "申领 签注 补领 换领", PERSON, CONFIRM, "documents household",
          mats="居民身份证 房屋租赁凭证", heat=5, instant_candidate=True,
          result=("深圳经济特区居住证", "certificate"), basis="《深圳经济特区居住证条例》"),
        d("{}", "居住登记 居住登记信息变更 港澳台居民居住证申领 外国人住宿登记", PERSON, CONFIRM, "household",
          mats="居民身份证 房屋租赁合同", heat=4, instant_candidate=True),
        d("{}", "无犯罪记录证明开具 养犬登记 养犬登记证年审 养犬登记证补领 犬只收容认领", PERSON, SERVICE,
          "documents legal_services", mats="居民身份证", heat=3, instant_candidate=True, basis="《深圳经济特区养犬管理条例》 《公安机关办理无犯罪记录证明工作规定》"),
        g("{}特种行业许可证核发", "旅馆业 公章刻制业 典当业 废旧金属收购业", LEGAL, LICENCE, "operating_permits",
          mats="营业执照 法定代表人身份证明 场地平面图", result=("特种行业许可证", "licence"), basis="《旅馆业治安管理办法》 《典当管理办法》"),
        g("{}", "大型群众性活动安全许可 保安服务公司设立许可 保安培训许可 自行招用保安员单位备案 保安员证核发",
          BOTH, LICENCE, "operating_permits safety", mats="营业执照 管理制度文本", basis="《大型群众性活动安全管理条例》 《保安服务管理条例》"),
        g("{}", "剧毒化学品购买许可证核发 剧毒化学品道路运输通行证核发 易制毒化学品购买备案 易制毒化学品运输许可 "
          "民用爆炸物品购买许可 民用爆炸物品运输许可 烟花爆竹道路运输许可", LEGAL, LICENCE, "safety",
          mats="营业执照 安全评价报告 专业人员资格证明", basis="《危险化学品安全管理条例》 《民用爆炸物品安全管理条例》 《易制毒化学品管理条例》"),
        g("{}", "计算机信息系统安全等级保护备案 互联网上网服务营业场所信息网络安全审核 金融机构营业场所安全防范设施验收",
          LEGAL, CONFIRM, "operating_permits safety", mats="营业执照 设计文件", basis="《中华人民共和国网络安全法》"),
        g("{}", "集会游行示威许可 枪支持有许可 民用枪支配售许可 举办焰火晚会许可", BOTH, LICENCE, "safety",
          statutory_days=20, visit_reason=_IN_PERSON_CHECK, basis="《中华人民共和国集会游行示威法》 《中华人民共和国枪支管理法》"),
    ),
    "traffic-police": (
        g("机动车驾驶证{}", "换证 补证 损毁换证 延期换证 恢复驾驶资格 注销 信息变更 审验 境外驾驶证换领",
          PERSON, LICENCE, "transport documents", mats="机动车驾驶证 体检报告 近期免冠照片", fee="driving",
          heat=5, instant_candidate=True, result=("机动车驾驶证", "licence"), scope="nationwide", sub="港澳台居民 外国人"),
        g("机动车驾驶人考试{}", "预约（科目一） 预约（科目二） 预约（科目三） 预约（科目四） 补考预约 取消预约",
          PERSON, SERVICE, "transport", mats="居民身份证", heat=4, visit_reason="考试须本人到考场参加", fee="exam"),
        g("机动车{}", "注册登记 转移登记 变更登记 抵押登记 解除抵押登记 注销登记 检验合格标志核发 号牌补领 "
          "行驶证补领 登记证书补领 临时号牌核发 免检车辆检验标志申领", BOTH, CONFIRM, "transport",
          mats="机动车行驶证 居民身份证", fee="plates", heat=4, instant_candidate=True, sub="个人 单位", basis="《中华人民共和国道路交通安全法》 《机动车登记规定》"),
        g("{}", "小客车增量指标个人申请 小客车增量指标单位申请 小客车指标更新 新能源小客车指标申请 "
          "外地车辆通行登记 货车通行许可", BOTH, SERVICE, "transport", mats="居民身份证", heat=5,
          instant_candidate=True),
        d("{}", "交通违法处理 交通违法罚款缴纳 交通事故快速处理 交通事故认定复核 电动自行车登记上牌 "
          "电动自行车过户登记 校车驾驶资格许可", BOTH, OTHER, "transport", mats="机动车驾驶证", heat=4),
        d("{}", "交通事故证明开具 电动自行车号牌补领 道路占用施工交通安全审查", BOTH, SERVICE, "transport",
          mats="居民身份证"),
    ),
    "exit-entry": (
        g("{}", "普通护照签发 普通护照换发 普通护照补发 普通护照加注", PERSON, LICENCE, "exit_entry",
          mats="居民身份证 近期免冠照片", fee="passport", heat=4, visit_reason=_FINGERPRINT,
          result=("普通护照", "certificate"), scope="nationwide"),
        g("往来港澳通行证{}", "签发 换发 补发 团队旅游签注 个人旅游签注 探亲签注 商务签注 其他签注 逗留签注",
          PERSON, LICENCE, "exit_entry", mats="居民身份证 近期免冠照片", fee="hk_macau", heat=5,
          instant_candidate=True, result=("往来港澳通行证", "certificate")),
        g("{}", "往来台湾通行证签发 台湾签注签发 出入境记录查询 出入境证件遗失报失 外国人签证延期 外国人居留许可 "
          "外国人永久居留申请 港澳居民来往内地通行证签发", PERSON, LICENCE, "exit_entry", mats="居民身份证",
          heat=2),
    ),
    "civil-affairs": (
        d("{}", "结婚登记 离婚登记 补领结婚证 补领离婚证 撤销婚姻 婚姻登记档案查询", PERSON, CONFIRM, "marriage",
          mats="居民身份证 居民户口簿 近期免冠照片", fee="marriage", heat=4, visit_reason="需双方当事人亲自到场",
          basis="《婚姻登记条例》"),
        d("{}", "老龄津贴发放 高龄老人津贴申领 最低生活保障申请 特困人员救助供养申请 临时救助申请 "
          "低收入家庭认定 困难残疾人生活补贴申领 重度残疾人护理补贴申领 孤儿基本生活费发放",
          PERSON, BENEFIT, "social_security retirement", mats="居民身份证 居民户口簿 银行账户信息",
          heat=4, instant_candidate=True),
        d("{}", "居家养老服务补贴申请 养老机构运营资助 社区老年人日间照料中心备案 老年人优待证办理",
          PERSON, SERVICE, "retirement", mats="居民身份证", heat=3),
        g("{}", "养老机构备案 殡葬服务机构设立审批 公墓建设审批 经营性公墓年检 慈善组织认定 慈善组织公开募捐资格审批 "
          "地名命名 地名更名 门牌号码编制", BOTH, LICENCE, "retirement death", mats="申请书 营业执照",
          heat=1),
        d("{}", "惠民殡葬补贴申领 遗体火化证明开具 骨灰寄存 生态安葬奖补申领 流浪乞讨人员救助 "
          "困境儿童认定 事实无人抚养儿童认定 收养登记 解除收养登记", PERSON, BENEFIT, "death social_security",
          mats="居民身份证 居民死亡医学证明（推断）书", heat=2),
    ),
    "human-resources": (
        g("{}", "应届毕业生接收 在职人才引进 博士后引进 留学回国人员引进 新引进人才租房和生活补贴申领 "
          "高层次人才认定 人才引进随调随迁 技术技能人才引进", PERSON, CONFIRM, "talent employment household",
          mats="居民身份证 学历证书 学位证书", heat=5, instant_candidate=True,
          result=("人才引进核准通知", "approval_letter")),
        d("{}", "就业登记 失业登记 就业困难人员认定 失业保险金申领 一次性创业资助申领 创业场租补贴申领 "
          "创业带动就业补贴申领 职业技能培训补贴申领 灵活就业社会保险补贴申领 求职创业补贴申领",
          PERSON, BENEFIT, "employment", mats="居民身份证 银行账户信息", heat=4, instant_candidate=True),
        d("{}", "就业困难人员灵活就业登记 公益性岗位补贴申领 劳动保障监察投诉 欠薪投诉受理 求职登记",
          PERSON, SERVICE, "employment", mats="居民身份证", heat=3),
        g("专业技术资格{}", "评审（工程系列） 评审（经济系列） 评审（会计系列） 评审（卫生系列） 评审（教师系列） "
          "评审（翻译系列） 认定（初级） 认定（中级） 证书补发", PERSON, CONFIRM, "employment talent",
          mats="学历证书 专业技术资格证书", heat=2, result=("专业技术资格证书", "certificate")),
        g("{}", "职业技能等级认定 职业技能等级证书查询 技能人才评价机构备案 民办职业培训学校设立审批 "
          "人力资源服务许可 劳务派遣经营许可 劳务派遣经营许可变更 劳务派遣经营许可延续 "
          "特殊工时工作制审批 企业年金方案备案 集体合同审查 外国人来华工作许可",
          BOTH, LICENCE, "human_resources", mats="营业执照 管理制度文本", heat=2, sub="变更 延续 注销"),
        g("{}", "企业吸纳就业补贴申领 稳岗补贴申领 企业职工适岗培训补贴申领 技能大师工作室资助申领 "
          "高技能人才培训基地资助申领 博士后设站资助申领", LEGAL, BENEFIT, "human_resources funding",
          mats="营业执照 银行账户信息", heat=3, instant_candidate=True),
    ),
    "social-insurance-fund": (
        g("{}", "灵活就业人员参加基本养老保险登记 灵活就业人员参加基本医疗保险登记 社会保险关系转移 "
          "社会保险个人权益记录查询 社会保险参保证明打印 基本养老保险关系转移（跨省） 职工基本养老保险待遇申领 "
          "城乡居民基本养老保险待遇申领 养老保险待遇资格认证 个人账户一次性待遇申领 丧葬补助金和抚恤金申领 "
          "失业保险关系转移 工伤保险待遇申领 生育津贴申领 社会保障卡申领 社会保障卡挂失 社会保障卡补换",
          PERSON, BENEFIT, "social_security retirement", mats="居民身份证 社会保障卡 银行账户信息", heat=5,
          instant_candidate=True, scope="province_wide", sub="港澳台居民 外国人"),
        d("{}", "单位参保登记 单位参保信息变更 单位社会保险注销登记 职工参保登记 职工停保 社会保险费补缴 "
          "工伤认定申请 劳动能力鉴定申请 工伤保险待遇核定 单位社会保险缴费明细查询",
          LEGAL, CONFIRM, "human_resources tax", mats="营业执照 劳动合同", heat=4, instant_candidate=True),
        d("{}", "退休人员社会化管理服务 退休审批 特殊工种提前退休审批", PERSON, CONFIRM, "retirement",
          mats="居民身份证 退休审批表", heat=3),
    ),
    "healthcare-security": (
        g("{}", "基本医疗保险参保登记 医疗保险关系转移 异地就医备案 门诊特定病种待遇认定 医疗费用零星报销 "
          "生育医疗费用报销 医保个人账户家庭共济绑定 长期护理待遇申请 医保电子凭证激活 少儿医保参保登记",
          PERSON, BENEFIT, "medical social_security", mats="居民身份证 社会保障卡", heat=5,
          instant_candidate=True, scope="province_wide", sub="港澳台居民"),
        g("{}", "定点医疗机构协议申请 定点零售药店协议申请 医疗服务价格项目备案 医保药品挂网申请",
          LEGAL, OTHER, "operating_permits", mats="营业执照 管理制度文本"),
        d("{}", "医疗救助申请 医保参保信息变更", PERSON, BENEFIT, "medical", mats="居民身份证", heat=3),
    ),
    "housing-provident-fund": (
        g("住房公积金提取（{}）", "租房 购房 偿还住房贷款 退休 离职 出境定居 大病医疗 建造翻修自住住房 "
          "享受最低生活保障 死亡或宣告死亡", PERSON, BENEFIT, "housing",
          mats="居民身份证 银行账户信息", heat=5, instant_candidate=True, result=("住房公积金提取到账", "payment")),
        g("{}", "住房公积金个人账户设立 住房公积金个人账户转移 住房公积金异地转移接续 灵活就业人员缴存住房公积金 "
          "住房公积金贷款申请 住房公积金贷款提前还款 住房公积金贷款缴存使用证明开具 个人住房公积金缴存证明打印",
          PERSON, SERVICE, "housing", mats="居民身份证 购房合同", heat=4, instant_candidate=True),
        d("{}", "单位住房公积金缴存登记 单位住房公积金账户信息变更 单位住房公积金缴存比例调整 "
          "单位住房公积金账户注销 单位缓缴住房公积金", LEGAL, CONFIRM, "human_resources",
          mats="营业执照 法定代表人身份证明", heat=3),
        d("{}", "住房公积金贷款面签 住房公积金业务窗口预约", PERSON, SERVICE, "housing", mats="居民身份证"),
    ),
    "health": (
        d("{}", "生育登记 再生育审批 出生医学证明首次签发 出生医学证明补发 出生医学证明换发 计划生育家庭特别扶助金申领 "
          "农村部分计划生育家庭奖励扶助", PERSON, CONFIRM, "birth", mats="居民身份证 结婚证", heat=5,
          instant_candidate=True),
        d("{}", "医师执业注册 医师执业变更注册 护士执业注册 护士延续注册 外国医师来华短期行医许可 "
          "香港澳门医师短期行医许可 乡村医生执业注册", PERSON, LICENCE, "employment medical",
          mats="医师执业证书 体检报告", heat=2, result=("医师执业证书", "licence"), basis="《中华人民共和国执业医师法》 《护士条例》"),
        d("{}", "医疗机构设置审批 医疗机构执业登记 医疗机构校验 放射诊疗许可 母婴保健技术服务执业许可 "
          "公共场所卫生许可 饮用水供水单位卫生许可 消毒产品生产企业卫生许可 职业卫生技术服务机构资质认可",
          LEGAL, LICENCE, "operating_permits", mats="营业执照 场地平面图 专业人员资格证明", heat=2, basis="《医疗机构管理条例》 《公共场所卫生管理条例》"),
        d("{}", "诊所备案 健康证明办理 婴幼儿照护服务机构备案", BOTH, CONFIRM, "medical operating_permits",
          mats="居民身份证 体检报告", heat=3),
    ),
    "disease-control": (
        g("{}", "预防接种证办理 预防接种证补办 入学入托预防接种证查验 狂犬病暴露预防处置门诊查询 "
          "国际旅行健康检查证明开具 职业病诊断申请", PERSON, SERVICE, "medical birth", mats="居民身份证",
          heat=3),
    ),
    "education": (
        d("{}", "义务教育阶段学位申请（小学一年级） 义务教育阶段学位申请（初中一年级） 义务教育阶段插班申请 "
          "学前教育资助申领 民办中小学学位补贴申领 幼儿园入园申请", PERSON, SERVICE, "education",
          mats="居民身份证 居民户口簿 房屋租赁凭证", heat=5, instant_candidate=True),
        g("{}", "教师资格认定 教师资格证书补发 教师资格证书换发 中小学教师资格定期注册 学历证明书补发",
          PERSON, CONFIRM, "education employment", mats="居民身份证 学历证书 体检报告",
          result=("教师资格证书", "certificate")),
        d("{}", "民办学校设立审批 民办学校变更审批 民办学校终止审批 中外合作办学审批 校外培训机构设立审批",
          LEGAL, LICENCE, "operating_permits", mats="申请书 场地平面图 财务审计报告", heat=1),
        d("{}", "普通高中学业水平考试成绩证明 高中阶段学校招生报名 外籍人员子女学校设立审批 "
          "学生资助申请 中职学校免学费申请", PERSON, SERVICE, "education", mats="居民身份证", heat=3),
    ),
    "exam-office": (
        g("{}", "普通高考报名 高考成绩复核 成人高考报名 自学考试报名 自学考试毕业申请 自学考试免考申请 "
          "自学考试转考申请 考试成绩证明开具", PERSON, SERVICE, "education", mats="居民身份证 近期免冠照片",
          fee="exam", heat=3),
    ),
    "veterans": (
        d("{}", "退役士兵接收安置 自主就业退役士兵一次性经济补助发放 退役军人优待证申领 伤残抚恤关系接收 "
          "烈士遗属定期抚恤金发放 在乡老复员军人生活补助 义务兵家庭优待金发放 光荣牌悬挂",
          PERSON, BENEFIT, "veterans", mats="居民身份证 退役军人证 银行账户信息", heat=2),
        d("{}", "烈士评定 伤残等级评定 退役军人创业贷款贴息申领 退役军人教育培训补助申领", PERSON, REWARD,
          "veterans", mats="居民身份证 退役军人证"),
    ),
    "disabled-persons-federation": (
        d("{}", "残疾人证新办 残疾人证换领 残疾人证迁移 残疾人证注销 残疾人辅助器具适配补贴 残疾人康复救助 "
          "残疾人职业培训补贴 残疾人就业援助", PERSON, BENEFIT, "disability", mats="居民身份证 医疗机构诊断证明",
          heat=2, instant_candidate=True),
        d("{}", "按比例安排残疾人就业审核 残疾人就业保障金减免申请 残疾人托养机构资助申请", LEGAL, CONFIRM,
          "human_resources", mats="营业执照 劳动合同"),
    ),
    "justice": (
        d("{}", "法律援助申请 人民调解申请 社区矫正对象外出审批 安置帮教申请", PERSON, SERVICE, "legal_services",
          mats="居民身份证", heat=2),
        g("{}", "律师执业许可 律师执业变更 律师事务所设立许可 律师事务所变更 公证员执业审核 司法鉴定人执业登记 "
          "司法鉴定机构设立登记 基层法律服务工作者执业核准 法律职业资格认定 公证机构执业证书补发",
          BOTH, LICENCE, "legal_services qualifications", mats="居民身份证 学历证书"),
        g("{}", "公证预约 遗嘱公证预约 委托书公证预约 学历公证办理 亲属关系公证办理 无犯罪记录公证办理",
          PERSON, SERVICE, "legal_services", mats="居民身份证", heat=2),
    ),
    "talent-exchange": (
        g("{}", "流动人员人事档案接收 流动人员人事档案转出 档案查阅 以档案为依据的证明开具 "
          "集体户口卡借用 集体户口迁出 人事档案存档证明开具 职称档案材料归档", PERSON, SERVICE,
          "talent employment", mats="居民身份证", heat=3, instant_candidate=True),
    ),
}
