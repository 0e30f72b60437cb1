"""Service kinds of culture, government services, mass organisations and the smaller bodies."""

from __future__ import annotations

from tools.catalog_generator.kind_group import (
    BOTH,
    LEGAL,
    LICENCE,
    OTHER,
    PERSON,
    REWARD,
    SERVICE,
    KindGroup,
    cross,
    d,
    g,
)

__all__ = ["PUBLIC_KINDS"]

_FIRM = "营业执照 法定代表人身份证明"

PUBLIC_KINDS: dict[str, tuple[KindGroup, ...]] = {
    "culture-tourism-sports": (
        *cross(
            "娱乐场所经营许可证 营业性演出许可证 网络文化经营许可证 旅行社业务经营许可证 "
            "高危险性体育项目经营许可证 广播电视节目制作经营许可证 艺术品经营单位备案",
            "核发 变更 延续 注销",
            LEGAL,
            LICENCE,
            "operating_permits",
            mats=_FIRM + " 场地平面图",
            result="{}",
            heat=2,
            level="district",
        ),
        g(
            "{}",
            "导游证核发 导游证换发 社会体育指导员技术等级认定 文物拍卖许可 文物保护单位修缮审批 "
            "卫星电视广播地面接收设施安装许可 涉外营业性演出审批 港澳台营业性演出审批",
            BOTH,
            LICENCE,
            "culture_sports operating_permits",
            mats="居民身份证",
            heat=1,
        ),
        d(
            "{}",
            "公共文化场馆预约 图书馆读者证办理 体育场馆预约 全民健身活动报名 博物馆参观预约 "
            "非物质文化遗产项目申报",
            PERSON,
            SERVICE,
            "culture_sports",
            mats="居民身份证",
            heat=4,
            instant_candidate=True,
        ),
        d(
            "{}",
            "公共体育场馆免费开放预约 社区文化活动场地申请 街头表演登记",
            PERSON,
            SERVICE,
            "culture_sports",
            mats="居民身份证",
            heat=3,
        ),
    ),
    "government-services-data": (
        g(
            "{}",
            "政务服务“好差评”评价 政务服务投诉建议 统一身份认证账号注册 法人数字证书申领 "
            "电子证照亮证授权 政务数据开放申请 政务服务中心窗口预约 政务服务事项办理进度查询 "
            "公共数据共享申请 12345热线诉求办理",
            BOTH,
            SERVICE,
            "documents start_up",
            mats="居民身份证",
            heat=4,
            instant_candidate=True,
        ),
        d(
            "{}",
            "区政务服务中心窗口预约 区政务服务帮办代办 区自助服务终端查询",
            BOTH,
            SERVICE,
            "documents",
            mats="居民身份证",
            heat=3,
        ),
    ),
    "petitions": (
        g(
            "{}",
            "网上信访 信访事项复查 信访事项办理进度查询",
            PERSON,
            SERVICE,
            "legal_services",
            mats="居民身份证",
            heat=2,
        ),
    ),
    "foreign-affairs": (
        g(
            "{}",
            "因公出国（境）任务审批 外国人来华邀请函审核 APEC商务旅行卡申办 领事认证 外国记者采访协助",
            BOTH,
            LICENCE,
            "exit_entry trade",
            mats="营业执照 居民身份证",
            heat=1,
        ),
    ),
    "ethnic-religious-affairs": (
        g(
            "{}",
            "宗教活动场所设立审批 宗教活动场所登记 宗教教职人员备案 少数民族流动人口服务登记 清真食品认证",
            BOTH,
            LICENCE,
            "social_organisations",
            mats="申请书",
            heat=1,
        ),
    ),
    "archives": (
        g(
            "{}",
            "婚姻登记档案查询 知青档案查询 退伍档案查询 城建档案查询 档案利用预约 档案寄存服务",
            PERSON,
            SERVICE,
            "marriage documents",
            mats="居民身份证",
            heat=2,
            instant_candidate=True,
        ),
    ),
    "government-affairs-administration": (
        g(
            "{}",
            "公务用车使用申请 公共机构节能评价 机关食堂供餐企业备案",
            LEGAL,
            OTHER,
            "operating_permits",
            mats=_FIRM,
            heat=1,
        ),
    ),
    "trade-union": (
        g(
            "{}",
            "职工法律援助申请 困难职工帮扶申请 工会会员入会登记 职工疗休养报名 职工技能竞赛报名 "
            "劳模疗休养申请",
            PERSON,
            SERVICE,
            "employment legal_services",
            mats="居民身份证",
            heat=2,
        ),
    ),
    "youth-league": (
        g(
            "{}",
            "志愿者注册 志愿服务时长证明开具 青少年维权求助 青年创业帮扶申请",
            PERSON,
            SERVICE,
            "employment",
            mats="居民身份证",
            heat=3,
        ),
    ),
    "womens-federation": (
        g(
            "{}",
            "妇女儿童维权求助 家庭暴力庇护申请 单亲困难母亲帮扶申请 家庭教育指导预约",
            PERSON,
            SERVICE,
            "marriage legal_services",
            mats="居民身份证",
            heat=2,
        ),
    ),
    "red-cross": (
        g(
            "{}",
            "遗体捐献登记 器官捐献志愿登记 造血干细胞捐献登记 无偿献血荣誉证查询 应急救护培训报名 "
            "红十字会救助申请",
            PERSON,
            SERVICE,
            "medical death",
            mats="居民身份证",
            heat=2,
        ),
    ),
    "science-association": (
        g(
            "{}",
            "科技社团成立审查 学术交流资助申领 青少年科技创新大赛报名 科普基地认定",
            BOTH,
            REWARD,
            "social_organisations funding",
            mats="申请书",
            heat=1,
        ),
    ),
}
