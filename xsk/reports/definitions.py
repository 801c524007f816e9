"""What each report figure means, in the words printed in ``xsk report --help`` and in the
report's 说明 section. Plain strings, no imports: ``xsk --help`` reads them.

The code that counts each figure is :func:`xsk.reports.stats.compute`; every line here has
a test built from a small workspace where the figure is worked out by hand
(tests/test_figures.py).
"""

from __future__ import annotations

DEFINITIONS = (
    "议题数：统计期间内登记（按登记日期）的议题，不含已撤销的议题和并入其他议题的重复议题；"
    "撤销和合并的议题单列，不计入任何比率。",
    "办结率：已办结议题 ÷ 议题数（不含撤销、合并）× 100；其中说明理由结案的议题单独列出。",
    "召开协商会议：会议时间已过且记录了出席或列席人员的会议；尚未召开、未记录出席的会议不计。"
    "参与人次：这些会议的出席和列席人数之和。",
    "直接组织实施：已形成协商成果（进入落实）且未经表决的议题；尚未协商的议题不计。"
    "提交表决：会议议题有表决记录或流程中提交表决的议题。",
    "本级解决：已办结且未提请上级的议题；提请上级：有上报协调记录的议题。",
    "按时办结率：在办结时限内办结的事项 ÷ 有办结时限的事项 × 100（没有时限的事项不计）。",
    "满意率：回访中“满意”和“基本满意”的次数 ÷ 回访次数 × 100。",
    "比率均精确计算后四舍五入保留两位小数；分母为 0 时显示“—”。",
)
# The Word report writes percentages as an office does (xsk.reports.stats.office_pct): its
# 说明 says so in place of the last line above, which describes the screen and --json.
REPORT_ROUNDING = "报告中的比率均按精确值四舍五入保留一位小数，整数不保留小数；分母为 0 时显示“—”。"
REPORT_DEFINITIONS = (*DEFINITIONS[:-1], REPORT_ROUNDING)
