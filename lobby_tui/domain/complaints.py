"""Complaint cases: the three classification axes of JR/T 0169-2018, severity, satisfaction,
and the statuses a case goes through; its steps are in complaint_steps.py.

The codes are what the database stores; the labels, in both languages, are what staff see.
They are fixed by the standard and the regulation, not by the branch, so they live here rather
than in the branch's lists.
"""

from __future__ import annotations

from enum import StrEnum

from lobby_tui.domain.lists import Choice
from lobby_tui.locale import N_

CHANNELS = (
    Choice("on_site", "现场", "On site"),
    Choice("phone", "电话", "Phone"),
    Choice("hotline_12378", "12378热线转办", "Referred by the 12378 hotline"),
    Choice("online", "网上银行/手机银行", "Online banking / app"),
    Choice("letter", "信函", "Letter"),
    Choice("other", "其他", "Other"),
)
BUSINESSES = (
    Choice("savings", "储蓄存款", "Savings"),
    Choice("loans", "贷款", "Loans"),
    Choice("bank_cards", "银行卡", "Bank cards"),
    Choice("payment", "支付结算", "Payment and settlement"),
    Choice("wealth", "理财产品", "Wealth products"),
    Choice("personal_info", "个人金融信息", "Personal financial information"),
    Choice("other", "其他", "Other"),
)
CAUSES = (
    Choice("service", "服务态度及服务质量", "Service attitude and quality"),
    Choice("facilities", "服务设施、设备及业务系统", "Facilities, equipment and systems"),
    Choice("rules", "管理制度、业务规则与流程", "Rules and procedures"),
    Choice("marketing", "营销方式和手段", "Marketing"),
    Choice("disclosure", "信息披露", "Information disclosure"),
    Choice("contract", "合同条款", "Contract terms"),
    Choice("fund_security", "资金安全", "Fund security"),
    Choice("info_security", "消费者信息安全", "Information security"),
    Choice("other", "其他", "Other"),
)
SEVERITIES = (
    Choice("red", "红色", "Red"),
    Choice("yellow", "黄色", "Yellow"),
    Choice("green", "绿色", "Green"),
)
SATISFACTIONS = (
    Choice("satisfied", "满意", "Satisfied"),
    Choice("basically", "基本满意", "Basically satisfied"),
    Choice("unsatisfied", "不满意", "Unsatisfied"),
)
# How the customer was told of the decision.
TOLD_BY = (
    Choice("phone", "电话", "Phone"),
    Choice("in_person", "当面", "In person"),
    Choice("sms", "短信", "Text message"),
    Choice("letter", "书面", "In writing"),
)
AXES = {
    "channel": CHANNELS,
    "business": BUSINESSES,
    "cause": CAUSES,
    "severity": SEVERITIES,
    "satisfaction": SATISFACTIONS,
    "told_by": TOLD_BY,
}


def codes(axis: str) -> frozenset[str]:
    return frozenset(choice.code for choice in AXES[axis])


def find(axis: str, code: str | None) -> Choice | None:
    """The choice of ``axis`` with ``code``; None for none or an unknown code."""
    return next((choice for choice in AXES[axis] if choice.code == code), None)


# A complaint step's duty-log entry is a record of its case too: it is never revised nor voided.
CASE_STEP_REFUSAL = N_("A step of a complaint case is recorded on the case, not changed here.")


class Status(StrEnum):
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    EXTENDED = "extended"
    DECIDED = "decided"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


STATUS_LABELS = {
    Status.RECEIVED: N_("received"),
    Status.IN_PROGRESS: N_("in progress"),
    Status.EXTENDED: N_("extended"),
    Status.DECIDED: N_("decided"),
    Status.FOLLOW_UP: N_("followed up"),
    Status.CLOSED: N_("closed"),
    Status.WITHDRAWN: N_("withdrawn"),
}
FINISHED = frozenset({Status.CLOSED, Status.WITHDRAWN})
BEFORE_DECISION = frozenset({Status.RECEIVED, Status.IN_PROGRESS, Status.EXTENDED})
