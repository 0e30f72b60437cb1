"""A realistic registry item body for the OpenAPI document: the graduate-intake item (应届毕业生接收) as the
human-resources bureau registers it, with its instant-approval rule set; copied from ``services_catalog`` (its
render spec left out: the form is drawn from the national elements then). ``tests/registry/test_examples.py``
checks that the registry's own validation accepts it, so it cannot drift from the model.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ITEM_EXAMPLE"]

ITEM_EXAMPLE: dict[str, Any] = {
    "code": "070120001000440300",
    "basic_code": "070120001000",
    "implementation_code": "07012000100044030011440300MBD13A7U9X001",
    "name": "应届毕业生接收",
    "item_type": "confirmation",
    "department": "human-resources",
    "implementing_body": {"name": "深圳市人力资源和社会保障局", "credit_code": "11440300MBD13A7U9X"},
    "level": "city",
    "district": None,
    "audience": "natural_person",
    "themes": ["talent", "employment", "household"],
    "legal_basis": ["《中华人民共和国就业促进法》", "《深圳市人才引进实施办法》"],
    "acceptance_conditions": [
        "申请人为具有完全民事行为能力的自然人；无民事行为能力或限制民事行为能力的，由其监护人代为申请",
        "申请材料齐全、真实、有效，符合法定形式",
    ],
    "case_type": "immediate",
    "channels": ["phone", "online", "window"],
    "materials": [
        {
            "name": "申请表",
            "kind": "original",
            "form": "electronic",
            "required": True,
            "source": "applicant",
            "copies": 1,
            "e_licence_type": None,
            "notes": "在“i深圳”APP在线填写，无需另行提交纸质表格",
        },
        {
            "name": "居民身份证",
            "kind": "original",
            "form": "electronic",
            "required": True,
            "source": "shared_data",
            "copies": 1,
            "e_licence_type": "resident_id",
            "notes": "通过电子证照库调取，无需提交",
        },
        {
            "name": "学历证书",
            "kind": "original",
            "form": "electronic",
            "required": True,
            "source": "shared_data",
            "copies": 1,
            "e_licence_type": "diploma",
            "notes": "通过电子证照库调取，无需提交",
        },
        {
            "name": "学位证书",
            "kind": "original",
            "form": "electronic",
            "required": True,
            "source": "shared_data",
            "copies": 1,
            "e_licence_type": "degree_certificate",
            "notes": "通过电子证照库调取，无需提交",
        },
    ],
    "fees": [],
    "statutory_days": 20,
    "promised_days": 0,
    "visits": 0,
    "visit_reason": None,
    "instant_approval": True,
    "phone_handling": True,
    "online_depth": "full_online",
    "result": {"name": "人才引进核准通知", "type": "approval_letter"},
    "progress_query": "登录“i深圳”APP，在“我的办件”中查询；或拨打12333查询",
    "enquiry_phone": "12333",
    "complaint_phone": "12345",
    "faq": [
        {
            "question": "办理“应届毕业生接收”需要多长时间？",
            "answer": "本事项已实现“秒批”：系统按规则自动审批，提交后即时出结果，无需等待人工审核。",
        },
        {
            "question": "可以在手机上办理吗？",
            "answer": "可以。登录“i深圳”APP，搜索“应届毕业生接收”，按提示全程掌上办理，无需到现场。",
        },
    ],
    "service_scope": "city_wide",
    "keywords": [],
    "popularity": 36641,
    "version": 1,
    "status": "in_force",
    "rule_set": {
        "item": "070120001000440300",
        "name": "应届毕业生接收",
        "version": 1,
        "params": {"max_age": 35, "max_years": 2, "levels": ["bachelor", "master", "doctor"]},
        "form": {},
        "conditions": [
            {
                "id": "alive",
                "when": 'applicant.status == "alive"',
                "met": {"zh": "人口状态：{applicant.status}", "en": "Population status: {applicant.status}"},
                "not_met": {
                    "zh": "人口状态：{applicant.status}，不能办理",
                    "en": "Population status: {applicant.status}; this cannot be granted",
                },
            },
            {
                "id": "diploma",
                "when": 'licences.diploma.status == "valid"',
                "met": {
                    "zh": "学历证书状态：{licences.diploma.status}",
                    "en": "Diploma: {licences.diploma.status}",
                },
                "not_met": {
                    "zh": "学历证书状态：{licences.diploma.status}，不能作为依据",
                    "en": "Diploma: {licences.diploma.status}; it cannot be relied on",
                },
            },
            {
                "id": "diploma_holder",
                "when": "licences.diploma.holder_name == applicant.name",
                "on_false": "manual_review",
                "met": {
                    "zh": "学历证书持证人与人口库姓名一致",
                    "en": "The diploma holder matches the population register",
                },
                "not_met": {
                    "zh": "学历证书持证人（{licences.diploma.holder_name}）与人口库姓名（{applicant.name}）不一致，转人工核实",
                    "en": "The diploma holder ({licences.diploma.holder_name}) differs "
                    "from the register ({applicant.name}); a clerk will check",
                },
            },
            {
                "id": "degree_level",
                "when": 'licences.degree_certificate.status == "valid" && '
                "licences.degree_certificate.level in params.levels",
                "met": {
                    "zh": "学位：{licences.degree_certificate.level}，符合接收层次",
                    "en": "Degree: {licences.degree_certificate.level}, eligible",
                },
                "not_met": {
                    "zh": "学位：{licences.degree_certificate.level}（{licences.degree_certificate.status}），不在接收层次内",
                    "en": "Degree: {licences.degree_certificate.level} "
                    "({licences.degree_certificate.status}), not eligible",
                },
            },
            {
                "id": "fresh_graduate",
                "when": "licences.diploma.years_held <= params.max_years",
                "met": {
                    "zh": "毕业 {licences.diploma.years_held} 年，在 {params.max_years} 年择业期内",
                    "en": "Graduated {licences.diploma.years_held} year(s) ago, within {params.max_years}",
                },
                "not_met": {
                    "zh": "毕业 {licences.diploma.years_held} 年，超过 {params.max_years} "
                    "年择业期，请按在职人才引进申请",
                    "en": "Graduated {licences.diploma.years_held} years ago, beyond "
                    "{params.max_years}; apply as an employed talent",
                },
            },
            {
                "id": "age_limit",
                "when": "applicant.age <= params.max_age",
                "met": {
                    "zh": "年龄 {applicant.age} 岁，未超过 {params.max_age} 岁",
                    "en": "Age {applicant.age}, not over {params.max_age}",
                },
                "not_met": {
                    "zh": "年龄 {applicant.age} 岁，超过 {params.max_age} 岁的年龄上限",
                    "en": "Age {applicant.age}, over the limit of {params.max_age}",
                },
            },
            {
                "id": "not_yet_shenzhen_household",
                "when": "!applicant.shenzhen_household",
                "met": {"zh": "尚未落户深圳", "en": "Not yet registered in Shenzhen"},
                "not_met": {
                    "zh": "已是深圳户籍，无需办理引进",
                    "en": "Already registered in Shenzhen; no intake needed",
                },
            },
            {
                "id": "not_dishonest",
                "when": "!credit.dishonest",
                "met": {"zh": "未列入失信被执行人名单", "en": "Not on the dishonest-person list"},
                "not_met": {
                    "zh": "已列入失信被执行人名单，不能自动办理",
                    "en": "On the dishonest-person list",
                },
            },
        ],
        "tiers": None,
        "clerk": {
            "zh": "如需人工办理，请携带居民身份证及相关材料到市人力资源和社会保障局人才引进窗口或区政务服务中心申请。",
            "en": "To apply with a clerk, bring your ID card and the materials to the "
            "human-resources talent intake window or a district service centre.",
        },
    },
}
