"""The 68 departments joined to Shenzhen's data-sharing platform, named as the real bodies are.

Each row: English slug (file names, URLs), official name, the short name used on the portal, the nature of the
body (it fixes the credit-code category), a public hotline when the body has a well-known one, how its district
counterpart is named (``{d}`` is the district, ``{s}`` the district without 区/新区) when it has district-level
items, and the laws cited by default as the legal basis of its items.
"""

from __future__ import annotations

from typing import NamedTuple

from ishenzhen.catalog.source.model import Nature

__all__ = ["DEPARTMENT_SPECS", "DepartmentSpec"]


class DepartmentSpec(NamedTuple):
    slug: str
    name: str
    short_name: str
    nature: Nature
    hotline: str | None
    district_body: str | None
    laws: tuple[str, ...]


GOV: Nature = "government_body"
INST: Nature = "public_institution"
MASS: Nature = "mass_organisation"


def _spec(slug: str, name: str, short: str, nature: Nature, hotline: str | None, district: str | None,
          laws: str) -> DepartmentSpec:  # fmt: skip
    return DepartmentSpec(slug, name, short, nature, hotline, district, tuple(laws.split()))


# The order fixes each department's number in basic codes: append new departments, never insert.
DEPARTMENT_SPECS: tuple[DepartmentSpec, ...] = (
    _spec("development-reform", "深圳市发展和改革委员会", "市发展改革委", GOV, None, "{d}发展和改革局",
          "《企业投资项目核准和备案管理条例》 《中华人民共和国价格法》"),
    _spec("education", "深圳市教育局", "市教育局", GOV, None, "{d}教育局",
          "《中华人民共和国义务教育法》 《中华人民共和国教育法》"),
    _spec("science-technology", "深圳市科技创新局", "市科技创新局", GOV, None, None,
          "《深圳经济特区科技创新条例》 《中华人民共和国科学技术进步法》"),
    _spec("industry-it", "深圳市工业和信息化局", "市工业和信息化局", GOV, None, None,
          "《中华人民共和国中小企业促进法》 《中华人民共和国无线电管理条例》"),
    _spec("public-security", "深圳市公安局", "市公安局", GOV, None, "深圳市公安局{s}分局",
          "《中华人民共和国居民身份证法》 《中华人民共和国户口登记条例》"),
    _spec("traffic-police", "深圳市公安局交通警察局", "市公安局交警局", GOV, None,
          "深圳市公安局交通警察局{s}大队",
          "《中华人民共和国道路交通安全法》 《机动车驾驶证申领和使用规定》"),
    _spec("exit-entry", "深圳市公安局出入境管理局", "市公安局出入境管理局", GOV, None, None,
          "《中华人民共和国出境入境管理法》 《中国公民往来香港地区或者澳门地区的暂行管理办法》"),
    _spec("civil-affairs", "深圳市民政局", "市民政局", GOV, None, "{d}民政局",
          "《社会救助暂行办法》 《婚姻登记条例》 《广东省老年人权益保障条例》"),
    _spec("social-organisations", "深圳市社会组织管理局", "市社会组织管理局", GOV, None, None,
          "《社会团体登记管理条例》 《民办非企业单位登记管理暂行条例》 《基金会管理条例》"),
    _spec("justice", "深圳市司法局", "市司法局", GOV, "12348", "{d}司法局",
          "《法律援助条例》 《中华人民共和国律师法》 《中华人民共和国公证法》"),
    _spec("finance", "深圳市财政局", "市财政局", GOV, None, None,
          "《中华人民共和国会计法》 《中华人民共和国政府采购法》"),
    _spec("human-resources", "深圳市人力资源和社会保障局", "市人力资源保障局", GOV, "12333", "{d}人力资源局",
          "《中华人民共和国就业促进法》 《深圳市人才引进实施办法》 《中华人民共和国劳动合同法》"),
    _spec("social-insurance-fund", "深圳市社会保险基金管理局", "市社保局", INST, "12333",
          "深圳市社会保险基金管理局{s}分局", "《中华人民共和国社会保险法》 《深圳市社会养老保险条例》"),
    _spec("planning-natural-resources", "深圳市规划和自然资源局", "市规划和自然资源局", GOV, None,
          "深圳市规划和自然资源局{s}管理局", "《中华人民共和国城乡规划法》 《中华人民共和国土地管理法》"),
    _spec("real-estate-registration", "深圳市不动产登记中心", "市不动产登记中心", INST, None,
          "深圳市不动产登记中心{s}登记所", "《不动产登记暂行条例》 《不动产登记暂行条例实施细则》"),
    _spec("urban-renewal", "深圳市城市更新和土地整备局", "市城市更新和土地整备局", GOV, None, None,
          "《深圳经济特区城市更新条例》 《深圳市土地整备利益统筹办法》"),
    _spec("ecology-environment", "深圳市生态环境局", "市生态环境局", GOV, "12369", "深圳市生态环境局{s}管理局",
          "《中华人民共和国环境影响评价法》 《排污许可管理条例》"),
    _spec("housing-construction", "深圳市住房和建设局", "市住房和建设局", GOV, None, "{d}住房和建设局",
          "《中华人民共和国建筑法》 《建设工程质量管理条例》 《深圳市保障性住房条例》"),
    _spec("works-administration", "深圳市建筑工务署", "市建筑工务署", GOV, None, None,
          "《中华人民共和国招标投标法》 《政府投资项目管理条例》"),
    _spec("transport", "深圳市交通运输局", "市交通运输局", GOV, "12328", None,
          "《中华人民共和国道路运输条例》 《网络预约出租汽车经营服务管理暂行办法》"),
    _spec("water", "深圳市水务局", "市水务局", GOV, None, "{d}水务局",
          "《中华人民共和国水法》 《城镇排水与污水处理条例》"),
    _spec("commerce", "深圳市商务局", "市商务局", GOV, None, None,
          "《中华人民共和国对外贸易法》 《单用途商业预付卡管理办法（试行）》"),
    _spec("culture-tourism-sports", "深圳市文化广电旅游体育局", "市文化广电旅游体育局", GOV, None,
          "{d}文化广电旅游体育局", "《娱乐场所管理条例》 《旅行社条例》 《营业性演出管理条例》"),
    _spec("health", "深圳市卫生健康委员会", "市卫生健康委", GOV, "12320", "{d}卫生健康局",
          "《中华人民共和国人口与计划生育法》 《医疗机构管理条例》 《广东省人口与计划生育条例》"),
    _spec("disease-control", "深圳市疾病预防控制中心", "市疾控中心", INST, None, None,
          "《中华人民共和国传染病防治法》 《疫苗流通和预防接种管理条例》"),
    _spec("veterans", "深圳市退役军人事务局", "市退役军人事务局", GOV, None, "{d}退役军人事务局",
          "《军人抚恤优待条例》 《退役士兵安置条例》"),
    _spec("emergency-management", "深圳市应急管理局", "市应急管理局", GOV, "12350", "{d}应急管理局",
          "《中华人民共和国安全生产法》 《危险化学品安全管理条例》 《安全生产许可证条例》"),
    _spec("audit", "深圳市审计局", "市审计局", GOV, None, None, "《中华人民共和国审计法》"),
    _spec("state-assets", "深圳市人民政府国有资产监督管理委员会", "市国资委", GOV, None, None,
          "《企业国有资产监督管理暂行条例》 《中华人民共和国企业国有资产法》"),
    _spec("market-regulation", "深圳市市场监督管理局", "市市场监管局", GOV, "12315", "深圳市市场监督管理局{s}监管局",
          "《深圳经济特区商事登记若干规定》 《中华人民共和国公司法》 《中华人民共和国食品安全法》"),
    _spec("statistics", "深圳市统计局", "市统计局", GOV, None, None, "《中华人民共和国统计法》"),
    _spec("healthcare-security", "深圳市医疗保障局", "市医疗保障局", GOV, "12393", "深圳市医疗保障局{s}分局",
          "《中华人民共和国社会保险法》 《深圳市医疗保障办法》"),
    _spec("urban-management", "深圳市城市管理和综合执法局", "市城市管理和综合执法局", GOV, None,
          "{d}城市管理和综合执法局", "《城市市容和环境卫生管理条例》 《城市绿化条例》"),
    _spec("government-services-data", "深圳市政务服务数据管理局", "市政务服务数据管理局", GOV, "12345",
          "{d}政务服务数据管理局", "《广东省政务数据资源共享管理办法（试行）》 《优化营商环境条例》"),
    _spec("local-financial-regulation", "深圳市地方金融监督管理局", "市地方金融监管局", GOV, None, None,
          "《融资担保公司监督管理条例》 《典当管理办法》"),
    _spec("civil-air-defence", "深圳市人民防空办公室", "市人防办", GOV, None, None,
          "《中华人民共和国人民防空法》 《广东省实施〈中华人民共和国人民防空法〉办法》"),
    _spec("petitions", "深圳市信访局", "市信访局", GOV, None, None, "《信访条例》"),
    _spec("ports", "深圳市人民政府口岸办公室", "市口岸办", GOV, None, None,
          "《国务院关于口岸开放的若干规定》"),
    _spec("foreign-affairs", "深圳市人民政府外事办公室", "市外办", GOV, None, None,
          "《中华人民共和国护照法》 《因公临时出国管理办法》"),
    _spec("ethnic-religious-affairs", "深圳市民族宗教事务局", "市民族宗教局", GOV, None, None,
          "《宗教事务条例》 《城市民族工作条例》"),
    _spec("archives", "深圳市档案馆", "市档案馆", INST, None, None, "《中华人民共和国档案法》"),
    _spec("meteorology", "深圳市气象局", "市气象局", GOV, "12121", None,
          "《中华人民共和国气象法》 《气象灾害防御条例》"),
    _spec("taxation", "国家税务总局深圳市税务局", "市税务局", GOV, "12366", "国家税务总局深圳市{d}税务局",
          "《中华人民共和国税收征收管理法》 《中华人民共和国个人所得税法》"),
    _spec("customs", "中华人民共和国深圳海关", "深圳海关", GOV, "12360", None,
          "《中华人民共和国海关法》 《中华人民共和国进出口商品检验法》"),
    _spec("border-inspection", "深圳出入境边防检查总站", "深圳边检总站", GOV, None, None,
          "《中华人民共和国出境入境边防检查条例》"),
    _spec("maritime", "中华人民共和国深圳海事局", "深圳海事局", GOV, "12395", None,
          "《中华人民共和国海上交通安全法》 《中华人民共和国船舶登记条例》"),
    _spec("postal", "深圳市邮政管理局", "市邮政管理局", GOV, "12305", None,
          "《中华人民共和国邮政法》 《快递暂行条例》"),
    _spec("tobacco", "深圳市烟草专卖局", "市烟草专卖局", GOV, "12313", None,
          "《中华人民共和国烟草专卖法》 《中华人民共和国烟草专卖法实施条例》"),
    _spec("fire-rescue", "深圳市消防救援支队", "市消防救援支队", GOV, None, "深圳市{d}消防救援大队",
          "《中华人民共和国消防法》 《公众聚集场所投入使用、营业消防安全检查规则》"),
    _spec("housing-provident-fund", "深圳市住房公积金管理中心", "市住房公积金中心", INST, "12329",
          "深圳市住房公积金管理中心{s}管理部", "《住房公积金管理条例》 《深圳市住房公积金管理暂行办法》"),
    _spec("qianhai", "深圳市前海深港现代服务业合作区管理局", "前海管理局", GOV, None, None,
          "《深圳经济特区前海深港现代服务业合作区条例》"),
    _spec("sme-services", "深圳市中小企业服务局", "市中小企业服务局", GOV, None, None,
          "《中华人民共和国中小企业促进法》 《深圳市促进中小企业发展条例》"),
    _spec("investment-promotion", "深圳市投资推广署", "市投资推广署", INST, None, None,
          "《深圳市外商投资促进办法》"),
    _spec("exam-office", "深圳市招生考试办公室", "市招考办", INST, None, None,
          "《中华人民共和国教育法》 《普通高等学校招生工作规定》"),
    _spec("public-resources-trading", "深圳公共资源交易中心", "市公共资源交易中心", INST, None, None,
          "《中华人民共和国招标投标法》 《公共资源交易平台管理暂行办法》"),
    _spec("labour-arbitration", "深圳市劳动人事争议仲裁委员会", "市劳动人事争议仲裁委", GOV, "12333",
          "{d}劳动人事争议仲裁委员会",
          "《中华人民共和国劳动争议调解仲裁法》 《劳动人事争议仲裁办案规则》"),
    _spec("public-institution-registration", "深圳市事业单位登记管理局", "市事业单位登记管理局", GOV, None, None,
          "《事业单位登记管理暂行条例》"),
    _spec("government-affairs-administration", "深圳市机关事务管理局", "市机关事务管理局", GOV, None, None,
          "《机关事务管理条例》"),
    _spec("disabled-persons-federation", "深圳市残疾人联合会", "市残联", MASS, None, "{d}残疾人联合会",
          "《中华人民共和国残疾人保障法》 《深圳市无障碍环境建设条例》"),
    _spec("trade-union", "深圳市总工会", "市总工会", MASS, "12351", None, "《中华人民共和国工会法》"),
    _spec("youth-league", "共青团深圳市委员会", "团市委", MASS, None, None,
          "《中华人民共和国未成年人保护法》 《志愿服务条例》"),
    _spec("womens-federation", "深圳市妇女联合会", "市妇联", MASS, "12338", None,
          "《中华人民共和国妇女权益保障法》 《中华人民共和国反家庭暴力法》"),
    _spec("red-cross", "深圳市红十字会", "市红十字会", MASS, None, None,
          "《中华人民共和国红十字会法》 《人体器官移植条例》"),
    _spec("science-association", "深圳市科学技术协会", "市科协", MASS, None, None,
          "《中华人民共和国科学技术普及法》"),
    _spec("federation-industry-commerce", "深圳市工商业联合会", "市工商联", MASS, None, None,
          "《中华人民共和国中小企业促进法》"),
    _spec("forex", "国家外汇管理局深圳市分局", "深圳市外汇局", GOV, None, None,
          "《中华人民共和国外汇管理条例》"),
    _spec("central-bank", "中国人民银行深圳市中心支行", "人民银行深圳市中心支行", GOV, None, None,
          "《中华人民共和国中国人民银行法》 《征信业管理条例》"),
    _spec("talent-exchange", "深圳市人才交流服务中心", "市人才交流服务中心", INST, None, None,
          "《流动人员人事档案管理服务规定》 《深圳市人才引进实施办法》"),
)
