"""Service kinds of the departments that build and run the city: land, housing, transport, water, safety."""

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
    cross,
    d,
    g,
)

__all__ = ["CITY_KINDS"]

_SITE = "需现场勘验核查"
_FIRM = "营业执照 法定代表人身份证明"
_QUALIFICATION_ACTIONS = "首次申请 增项 升级 延续 变更 重新核定 遗失补办"

CITY_KINDS: dict[str, tuple[KindGroup, ...]] = {
    "planning-natural-resources": (
        g(
            "{}",
            "建设用地规划许可证核发 建设工程规划许可证核发 建设工程规划许可证变更 乡村建设规划许可证核发 "
            "建设项目用地预审与选址意见书核发 建设工程规划验收 临时建设工程规划许可 建筑工程设计方案核查 "
            "土地使用权出让合同签订 土地使用权出让合同补充协议签订 划拨土地使用权审批 临时用地审批 "
            "地价测算 测绘资质审批 地图审核 林木采伐许可证核发 古树名木迁移审批 海域使用权审批 "
            "无居民海岛开发利用审批 地质灾害危险性评估备案 采矿许可证核发",
            LEGAL,
            LICENCE,
            "investment_construction",
            mats=_FIRM + " 设计文件 场地平面图",
            heat=2,
            instant_candidate=True,
            sub="变更 延期",
        ),
        d(
            "{}",
            "历史遗留违法建筑处理申请 规划条件核定 土地使用权续期 房屋测绘成果备案",
            BOTH,
            CONFIRM,
            "investment_construction housing",
            mats="居民身份证 设计文件",
        ),
    ),
    "real-estate-registration": (
        g(
            "{}",
            "国有建设用地使用权首次登记 房屋所有权首次登记 商品房转移登记 存量房转移登记 房屋继承转移登记 "
            "房屋赠与转移登记 离婚析产转移登记 抵押权首次登记 抵押权注销登记 预告登记 更正登记 异议登记 "
            "查封登记 不动产权证书补发 不动产权证书换发 不动产登记资料查询 不动产登记信息证明开具 "
            "地役权登记 居住权登记 二手房交易资金监管",
            BOTH,
            CONFIRM,
            "housing investment_construction",
            mats="居民身份证 不动产权证书 购房合同",
            fee="real_estate",
            heat=4,
            instant_candidate=True,
            result=("不动产权证书", "certificate"),
            sub="个人 企业",
        ),
        d(
            "{}",
            "不动产登记窗口预约 不动产登记现场核验",
            PERSON,
            SERVICE,
            "housing",
            mats="居民身份证",
            visit_reason="需权利人本人到场核验",
        ),
    ),
    "urban-renewal": (
        g(
            "{}",
            "城市更新单元计划审批 城市更新单元规划审批 城市更新项目实施主体确认 土地整备利益统筹项目审批 "
            "房屋征收补偿方案备案 拆除重建类项目搬迁补偿协议备案 历史用地处置申请",
            LEGAL,
            OTHER,
            "investment_construction",
            mats=_FIRM + " 项目基本情况说明",
            heat=1,
        ),
    ),
    "ecology-environment": (
        d(
            "{}",
            "建设项目环境影响报告书审批 建设项目环境影响报告表审批 建设项目环境影响登记表备案 "
            "排污许可证核发 排污许可证变更 排污许可证延续 危险废物经营许可证核发 辐射安全许可证核发 "
            "放射性同位素转移备案 建设项目竣工环境保护验收备案 突发环境事件应急预案备案 "
            "排污单位自行监测方案备案 机动车排放检验机构备案 环保信用修复",
            LEGAL,
            LICENCE,
            "environment",
            mats=_FIRM + " 环境影响报告表",
            heat=2,
            instant_candidate=True,
        ),
        d(
            "{}",
            "夜间施工噪声排放审批 环境污染投诉 建筑工地扬尘防治备案",
            BOTH,
            LICENCE,
            "environment",
            mats="营业执照",
            heat=2,
        ),
    ),
    "housing-construction": (
        *cross(
            "建筑业企业资质 工程监理企业资质 房地产开发企业资质 工程造价咨询企业资质 建设工程质量检测机构资质 "
            "物业服务企业备案 建筑施工企业安全生产许可证",
            _QUALIFICATION_ACTIONS,
            LEGAL,
            LICENCE,
            "qualifications investment_construction",
            mats=_FIRM + " 专业人员资格证明 财务审计报告",
            heat=2,
        ),
        d(
            "{}",
            "建筑工程施工许可证核发 建筑工程施工许可证变更 建设工程竣工验收备案 建设工程消防设计审查 "
            "建设工程消防验收 建设工程消防验收备案 商品房预售许可 商品房现售备案 房屋租赁合同备案 "
            "白蚁防治工程备案 燃气经营许可证核发 燃气经营许可证变更 燃气燃烧器具安装维修企业资质 "
            "二级建造师执业注册 二级建造师变更注册 建筑施工特种作业人员操作资格证核发",
            LEGAL,
            LICENCE,
            "investment_construction",
            mats=_FIRM + " 设计文件 验收报告",
            heat=2,
            instant_candidate=True,
        ),
        d(
            "{}",
            "公共租赁住房申请 安居型商品房申请 人才住房配租申请 住房保障轮候资格申请 住房保障资格变更 "
            "租房补贴申领 住房保障退出申请 房屋租赁登记备案查询 商品房买卖合同网签备案查询 "
            "住宅专项维修资金使用申请",
            PERSON,
            BENEFIT,
            "housing",
            mats="居民身份证 居民户口簿",
            heat=5,
            instant_candidate=True,
        ),
        d(
            "{}",
            "小型工程施工安全备案 住宅装饰装修备案 物业管理区域划定 业主大会成立备案 业主委员会备案 "
            "房屋安全鉴定申请",
            BOTH,
            CONFIRM,
            "housing investment_construction",
            mats="居民身份证 不动产权证书",
            heat=2,
        ),
    ),
    "works-administration": (
        g(
            "{}",
            "政府工程承包商履约评价查询 政府工程预选承包商申请 政府工程投诉受理 工程款支付进度查询",
            LEGAL,
            SERVICE,
            "investment_construction",
            mats=_FIRM,
            heat=1,
        ),
    ),
    "transport": (
        g(
            "{}",
            "网络预约出租汽车驾驶员证核发 巡游出租汽车驾驶员证核发 出租汽车驾驶员从业资格证补办 "
            "出租汽车驾驶员从业资格证换证 出租汽车驾驶员从业资格注销 网络预约出租汽车运输证核发 "
            "网络预约出租汽车运输证注销",
            PERSON,
            LICENCE,
            "transport employment",
            mats="机动车驾驶证 无犯罪记录证明",
            heat=4,
            instant_candidate=True,
            result=("{}", "licence"),
        ),
        g(
            "{}",
            "网络预约出租汽车经营许可 巡游出租汽车经营许可 道路旅客运输经营许可 道路货物运输经营许可 "
            "危险货物道路运输经营许可 机动车维修经营备案 机动车驾驶员培训经营备案 道路运输车辆年度审验 "
            "道路运输证核发 道路运输证注销 国际道路运输经营许可 港口经营许可 水路运输经营许可 "
            "公交线路经营权审批 公路超限运输许可 占用挖掘公路许可 城市道路占用挖掘许可 "
            "交通建设工程质量监督手续办理",
            LEGAL,
            LICENCE,
            "operating_permits transport",
            mats=_FIRM + " 车辆技术等级评定证明 管理制度文本",
            heat=2,
            instant_candidate=True,
            sub="变更 延续 注销",
        ),
        g(
            "{}",
            "道路运输从业人员从业资格证核发 道路运输从业人员从业资格证换证 危险货物运输驾驶员资格认定 "
            "教练员从业资格认定 船员服务簿签发 深圳通优惠卡申领 长者乘车优惠卡办理",
            PERSON,
            CONFIRM,
            "transport",
            mats="居民身份证 驾驶经历证明",
            heat=3,
        ),
    ),
    "water": (
        d(
            "{}",
            "取水许可 水土保持方案审批 河道管理范围内建设项目审批 城市排水许可 污水排入排水管网许可 "
            "水利工程质量监督手续办理 节水型企业认定 临时用水审批 占用河道审批 供水设施改装审批",
            LEGAL,
            LICENCE,
            "investment_construction environment",
            mats=_FIRM + " 设计文件",
            heat=2,
        ),
        d(
            "{}",
            "用水报装 用水过户 排水接驳 污水处理费减免 二次供水设施验收",
            BOTH,
            LEVY,
            "housing investment_construction",
            mats="居民身份证 不动产权证书",
            fee="sewage",
            heat=3,
        ),
    ),
    "urban-management": (
        d(
            "{}",
            "城市建筑垃圾处置核准 户外广告设置许可 临时占用城市道路许可 占道经营审批 树木迁移审批 "
            "临时占用绿地审批 生活垃圾分类投诉 大件垃圾预约清运 犬只扰民投诉 违法建设举报",
            BOTH,
            LICENCE,
            "environment operating_permits",
            mats="居民身份证 场地平面图",
            heat=2,
        ),
        d(
            "{}",
            "城市生活垃圾经营性清扫收集运输许可 城市生活垃圾处置许可 燃气设施改动审批 公园活动申请 "
            "户外招牌设置备案 灯光设施设置审批",
            LEGAL,
            LICENCE,
            "operating_permits environment",
            mats=_FIRM,
        ),
    ),
    "emergency-management": (
        d(
            "{}",
            "危险化学品经营许可证核发 危险化学品安全使用许可证核发 非药品类易制毒化学品生产备案 "
            "非药品类易制毒化学品经营备案 烟花爆竹经营（零售）许可 特种作业操作证核发 特种作业操作证复审 "
            "安全生产知识和管理能力考核合格证核发 生产安全事故应急预案备案 建设项目安全设施设计审查",
            LEGAL,
            LICENCE,
            "safety",
            mats=_FIRM + " 安全评价报告",
            heat=2,
        ),
        d("{}", "安全生产举报 自然灾害救助申请 应急避难场所查询", BOTH, SERVICE, "safety", mats="居民身份证"),
    ),
    "fire-rescue": (
        d(
            "{}",
            "公众聚集场所投入使用营业前消防安全检查 消防安全重点单位备案 大型活动消防安全检查 "
            "消防技术服务机构备案 消防火灾事故认定 火灾损失统计 消防安全举报投诉",
            LEGAL,
            LICENCE,
            "safety",
            mats=_FIRM + " 场地平面图",
            heat=2,
            visit_reason=_SITE,
        ),
    ),
    "civil-air-defence": (
        g(
            "{}",
            "人防工程建设审批 人防工程易地建设审批 人防工程竣工验收备案 人防工程拆除审批 "
            "人防工程平时使用备案 人防警报设施拆除审批",
            LEGAL,
            LICENCE,
            "investment_construction",
            mats=_FIRM + " 设计文件",
            heat=1,
        ),
    ),
    "meteorology": (
        g(
            "{}",
            "防雷装置设计审核 防雷装置竣工验收 升放无人驾驶自由气球审批 气象信息服务单位备案 "
            "气象证明开具 雷电灾害调查鉴定",
            LEGAL,
            LICENCE,
            "investment_construction safety",
            mats=_FIRM + " 设计文件",
            heat=1,
        ),
    ),
    "maritime": (
        g(
            "{}",
            "船舶国籍登记 船舶所有权登记 船员适任证书签发 船舶进出港报告 水上水下作业许可 "
            "船舶污染物接收作业备案 海员证签发",
            BOTH,
            LICENCE,
            "trade transport",
            mats=_FIRM,
            heat=1,
        ),
    ),
    "postal": (
        g(
            "{}",
            "快递业务经营许可 快递业务经营许可变更 快递末端网点备案 邮政用户申诉 快递服务投诉",
            BOTH,
            LICENCE,
            "operating_permits",
            mats=_FIRM,
            heat=2,
        ),
    ),
    "border-inspection": (
        g(
            "{}",
            "边境管理区通行证签发 出入境边防检查预约 登轮许可 船舶搭靠外轮许可 口岸限定区域通行证签发",
            BOTH,
            LICENCE,
            "exit_entry trade",
            mats="居民身份证",
            heat=1,
        ),
    ),
    "ports": (
        g(
            "{}",
            "口岸通关便利化服务申请 口岸车辆指标申请 港澳入出境车辆审批 跨境货车司机备案",
            BOTH,
            OTHER,
            "trade exit_entry",
            mats="居民身份证 营业执照",
            heat=2,
        ),
    ),
}
