"""Sample contexts for every document kind (shared by the render tests)."""

from __future__ import annotations

import copy
from typing import Any

COMMON: dict[str, Any] = {
    "issuer": "红桥社区居民委员会",
    "date": "2026年11月23日",
    "community": "红桥社区",
}

TOPIC_A_ITEMS = [
    {"item": "联系供电公司完成变压器移交验收", "unit": "红桥社区居委会", "deadline": "2026年12月15日"},
    {"item": "清理小区东门建筑垃圾并设置临时围挡", "unit": "安居物业服务公司", "deadline": "2026年11月30日"},
]  # fmt: skip

TOPIC_B_ITEMS = [
    {"item": "在3号楼北侧增设智能快递柜两组", "unit": "安居物业服务公司", "deadline": "2026年12月31日"},
]  # fmt: skip

_SAMPLES: dict[str, dict[str, Any]] = {
    "registration": {
        "doc_title": "社区协商议题登记表",
        "case_ids": ["HQ-2026-017"],
        "case": {
            "id": "HQ-2026-017",
            "title": "幸福里小区变压器移交供电公司",
            "channel": "网格员走访",
            "received_date": "2026年11月2日",
            "received_by": "王芳",
            "category": "公共设施",
            "level": "社区",
            "procedure_name": "东莞“六步走”",
            "description": "幸福里小区变压器建成十余年未移交供电公司，夏季用电高峰频繁跳闸，"
            "居民多次反映，希望尽快完成移交并改造线路。",
            "proposers": [
                {"name": "张建国", "phone": "13812345678", "address": "幸福里小区3栋2单元501室"},
                {"name": "李秀英", "phone": "13987654321", "address": "幸福里小区5栋1单元302室"},
            ],
        },
    },
    "notice": {
        "doc_title": "关于召开红桥社区协商议事会议的通知",
        "case_ids": ["HQ-2026-017", "HQ-2026-018"],
        "meeting": {
            "title": "红桥社区2026年第4次协商议事会议",
            "time": "2026年11月28日（星期六）上午9:30",
            "venue": "红桥社区党群服务中心二楼议事厅",
            "form": "民主议事会",
            "host": "社区党委书记刘红梅",
            "topics": [
                {
                    "case_id": "HQ-2026-017",
                    "title": "幸福里小区变压器移交供电公司",
                    "summary": "小区变压器长期未移交，用电高峰频繁跳闸，拟协商移交方案和施工安排。",
                },
                {
                    "case_id": "HQ-2026-018",
                    "title": "增设智能快递柜",
                    "summary": "小区快递柜数量不足，拟协商增设位置、费用分担及管理方式。",
                },
            ],
            "participants": ["社区“两委”成员", "居民代表", "楼栋长", "物业服务企业", "供电所"],
            "registration": "居民可于11月26日前到社区服务大厅或在楼栋微信群报名旁听，"
            "报名时请注明所在楼栋。",
            "contact": "红桥社区居委会办公室，电话0931-8123456（工作日8:30—17:30）。",
        },
    },
    "signin": {
        "doc_title": "红桥社区协商议事会议签到表",
        "case_ids": ["HQ-2026-017"],
        "meeting": {
            "title": "红桥社区2026年第4次协商议事会议",
            "time": "2026年11月28日上午9:30",
            "venue": "红桥社区党群服务中心二楼议事厅",
            "form": "民主议事会",
        },
        "rows": [
            {
                "no": 1,
                "name": "刘红梅",
                "unit": "红桥社区党委",
                "role": "主持人",
                "attendance": "出席",
            },
            {
                "no": 2,
                "name": "王芳",
                "unit": "红桥社区居委会",
                "role": "记录人",
                "attendance": "出席",
            },
            {"no": 3, "name": "张*", "unit": "居民代表", "role": "议事成员", "attendance": "出席"},
            {
                "no": 4,
                "name": "赵海",
                "unit": "安居物业服务公司",
                "role": "列席",
                "attendance": "列席",
            },
        ],
    },
    "minutes": {
        "doc_title": "红桥社区协商议事会议纪要",
        "case_ids": ["HQ-2026-017", "HQ-2026-018"],
        "meeting": {
            "title": "红桥社区2026年第4次协商议事会议",
            "time": "2026年11月28日上午9:30",
            "venue": "红桥社区党群服务中心二楼议事厅",
            "form": "民主议事会",
            "host": "刘红梅",
            "recorder": "王芳",
            "present": ["刘红梅", "王芳", "张*", "李*", "陈*", "周*"],
            "observers": ["赵海（安居物业服务公司）", "孙明（城关供电所）"],
            "leave": ["吴*"],
            "topics": [
                {
                    "case_id": "HQ-2026-017",
                    "title": "幸福里小区变压器移交供电公司",
                    "background": "幸福里小区变压器建成十余年未移交供电公司，夏季用电高峰频繁跳闸。",
                    "speeches": [
                        {
                            "speaker": "张*",
                            "side": "居民代表",
                            "summary": "希望年底前完成移交，施工期间保障居民用电。",
                        },
                        {
                            "speaker": "孙明",
                            "side": "供电所",
                            "summary": "资料齐全后十五个工作日内可完成验收接收。",
                        },
                    ],
                    "vote": {
                        "rule_name": "协商议事会简单多数",
                        "passed": True,
                        "lines": ["应到有表决权成员7人，实到6人。", "同意6票，反对0票，弃权0票。"],
                        "record": "应到7人，实到6人，同意6人、反对0人、弃权0人，"
                        "同意人数占实到人数的100%，超过半数，表决通过。",
                    },
                    "resolutions": ["同意启动变压器移交程序。", "施工期间分段停电并提前三天公告。"],
                    "items": TOPIC_A_ITEMS,
                },
                {
                    "case_id": "HQ-2026-018",
                    "title": "增设智能快递柜",
                    "background": "小区现有快递柜一组，无法满足居民需求。",
                    "speeches": [
                        {
                            "speaker": "李*",
                            "side": "居民代表",
                            "summary": "建议设在3号楼北侧空地，不占消防通道。",
                        },
                    ],
                    "vote": None,
                    "resolutions": ["在3号楼北侧增设智能快递柜两组。"],
                    "items": TOPIC_B_ITEMS,
                },
            ],
        },
    },
    "result": {
        "doc_title": "红桥社区协商结果公示",
        "case_ids": ["HQ-2026-017", "HQ-2026-018"],
        "topics": [
            {
                "case_id": "HQ-2026-017",
                "title": "幸福里小区变压器移交供电公司",
                "summary": "经2026年11月28日协商议事会议协商，参会成员一致同意启动移交程序。",
                "resolutions": ["同意启动变压器移交程序。", "施工期间分段停电并提前三天公告。"],
                "items": TOPIC_A_ITEMS,
            },
            {
                "case_id": "HQ-2026-018",
                "title": "增设智能快递柜",
                "summary": "经协商，居民代表、物业服务企业就快递柜位置达成一致。",
                "resolutions": ["在3号楼北侧增设智能快递柜两组。"],
                "items": TOPIC_B_ITEMS,
            },
        ],
        "publicity": {"start": "2026年11月30日", "end": "2026年12月4日", "days": 5},
        "objection_channel": "到社区服务大厅书面反映，或拨打社区办公室电话0931-8123456",
    },
    "responsibility": {
        "doc_title": "协商议定事项督办单",
        "case_ids": ["HQ-2026-017"],
        "unit": "安居物业服务公司",
        "supervision": True,
        "items": [
            {
                "case_id": "HQ-2026-017",
                "title": "幸福里小区变压器移交",
                "item": "清理小区东门建筑垃圾并设置临时围挡",
                "deadline": "2026年11月30日",
                "status": "办理中",
                "overdue": True,
            },
            {
                "case_id": "HQ-2026-018",
                "title": "增设智能快递柜",
                "item": "在3号楼北侧增设智能快递柜两组",
                "deadline": "2026年12月31日",
                "status": "未开始",
                "overdue": False,
            },
        ],
        "supervisor": "红桥社区居民监督委员会 陈*",
        "reply_by": "2026年12月5日",
    },
    "reply": {
        "doc_title": "协商议题办结回复单",
        "case_ids": ["HQ-2026-017"],
        "case": {"id": "HQ-2026-017", "title": "幸福里小区变压器移交供电公司"},
        "proposer": "张建国",
        "result": "小区变压器已于2026年12月10日完成移交，由城关供电所负责日常维护。",
        "handling": [
            "2026年11月28日，社区组织召开协商议事会议，议定启动移交程序。",
            "2026年12月1日至9日，供电所完成资料审核和现场验收。",
        ],
        "contact": "红桥社区居委会王芳，电话0931-8123456",
    },
    "visit": {
        "doc_title": "协商议题回访评议表",
        "case_ids": ["HQ-2026-017"],
        "case": {"id": "HQ-2026-017", "title": "幸福里小区变压器移交供电公司"},
        "visits": [
            {
                "date": "2026年12月15日",
                "visitor": "王芳",
                "method": "入户走访",
                "satisfaction": "满意",
                "comment": "用电恢复正常。",
            },
            {
                "date": "2026年12月20日",
                "visitor": "刘红梅",
                "method": "电话回访",
                "satisfaction": "基本满意",
                "comment": "希望尽快恢复绿化。",
            },
        ],
        "ratings": [
            {"unit": "城关供电所", "score": "95", "comment": "响应及时，验收规范。"},
            {"unit": "安居物业服务公司", "score": "88", "comment": "垃圾清运略有拖延。"},
        ],
    },
    "report": {
        "doc_title": "红桥社区2026年协商议事工作报告",
        "case_ids": [],
        "period": "2026年1月1日至2026年11月30日",
        "summary_lines": [
            "本年度共开展协商议事活动12次，协商议题36项，参与居民428人次。",
            "已办结议题33项，办结率91.67%，其中现场解决21项，转交街道办理12项。",
        ],
        "tables": [
            {
                "heading": "议题分类统计",
                "columns": ["类别", "议题数", "已办结", "办结率"],
                "rows": [
                    ["公共设施", "14", "13", "92.86%"],
                    ["环境卫生", "9", "9", "100.00%"],
                    ["物业管理", "13", "11", "84.62%"],
                ],
            },
            {
                "heading": "议题来源统计",
                "columns": ["来源", "议题数"],
                "rows": [["网格员走访", "20"], ["居民来访", "16"]],
            },
        ],
        "charts": [],
    },
}


def sample_context(kind: str) -> dict[str, Any]:
    """A fresh copy of the sample context of ``kind`` (common keys included)."""
    return {**copy.deepcopy(COMMON), **copy.deepcopy(_SAMPLES[kind])}


KINDS = list(_SAMPLES)

# Texts that must appear in the rendered document of each kind.
EXPECTED_TEXT: dict[str, list[str]] = {
    "registration": ["社区协商议题登记表", "编号：HQ-2026-017", "幸福里小区变压器移交供电公司",
                     "网格员走访", "张建国", "13812345678", "初审意见"],
    "notice": ["关于召开红桥社区协商议事会议的通知", "各位居民朋友", "二楼议事厅",
               "（一）幸福里小区变压器移交供电公司", "（二）增设智能快递柜",
               "社区“两委”成员、居民代表", "报名旁听", "特此通知"],
    "signin": ["签到表", "会议时间：", "刘红梅", "单位或身份", "签名", "10"],
    "minutes": ["出席：", "请假：", "列席：", "刘红梅、王芳", "一、幸福里小区变压器移交供电公司",
                "二、增设智能快递柜", "同意6人、反对0人、弃权0人", "超过半数，表决通过。",
                "未进行表决", "安居物业服务公司", "办结时限", "主持人（签字）：",
                "记录人（签字）："],
    "result": ["协商结果公示", "一、幸福里小区变压器移交供电公司", "三、公示期限及意见反馈",
               "2026年11月30日至2026年12月4日", "5个工作日", "0931-8123456", "特此公示"],
    "responsibility": ["安居物业服务公司：", "其中1项已超过办结时限", "2026年12月5日前",
                       "办理中", "督办单位：", "回　执"],
    "reply": ["张建国同志：", "办理结果", "完成移交", "0931-8123456"],
    "visit": ["回访记录", "入户走访", "基本满意", "城关供电所", "95"],
    "report": ["（2026年1月1日至2026年11月30日）", "一、总体情况", "二、议题分类统计",
               "三、议题来源统计", "92.86%", "网格员走访"],
}  # fmt: skip

COMMON_EXPECTED = ["红桥社区居民委员会", "2026年11月23日"]


def test_every_kind_has_a_sample() -> None:
    from xsk.documents.docx import DOC_KINDS

    assert set(KINDS) == set(DOC_KINDS) == set(EXPECTED_TEXT)
