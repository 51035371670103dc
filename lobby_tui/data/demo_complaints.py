"""The demo's complaint cases, written as the store would have written them: every state a
branch meets, one near its deadline, one overdue, one paused, one closed, one withdrawn.

Written straight into the tables rather than through the store's commands, which date every
step's entry as recorded now: the demo's steps happened over the past weeks.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from lobby_tui.data import complaints
from lobby_tui.data.models import ComplaintAction, ComplaintCase, Entry, Staff
from lobby_tui.data.store import Store
from lobby_tui.domain.kinds import Kind
from lobby_tui.domain.roles import Role

ZH_SHARE = 0.65  # as in the rest of the demo: most cases written in Chinese


# The demo's complaint cases: received that many days before now, their codes, who is
# complained about (a role, or "-"), then the facts and the request in Chinese and in English,
# then the steps after receipt: "days action details" (details in Chinese | in English).
COMPLAINTS_TABLE = """
2 on_site bank_cards facilities yellow -
  ATM吞卡，客户等候40分钟无人处理，电话{mobile} | 当天取回银行卡
  The ATM swallowed the card; 40 minutes with nobody to help, tel {mobile} | Card back today
  0 start 已联系ATM管理员 | Called the ATM custodian
13 on_site savings service red reviewer
  客户称柜员办理存款时态度生硬、催促签字 | 柜员道歉
  Says the teller was curt and rushed her to sign a deposit slip | An apology from the teller
  0 start 调取柜台录像 | Counter video requested
20 hotline_12378 wealth marketing red -
  12378转办：客户称购买理财时未被告知风险等级 | 赎回并赔偿损失
  From the 12378 hotline: not told the risk rating of a wealth product | Redeem and compensate
  1 start 调取双录资料 | Sales recording requested
25 online personal_info info_security yellow -
  客户收到陌生短信，怀疑个人信息泄露 | 查明原因
  Texts from strangers; fears his personal data leaked | Find out how
  1 start 已报信息科技部门 | IT department told
  12 extend 需科技部门逐条核查日志 | IT must check the logs one by one
  14 pause 送外部机构鉴定短信来源 | Outside appraisal of where the texts came from
40 phone savings service green -
  客户电话投诉排队等候超过一小时 | 增开窗口
  Phoned about waiting over an hour in the queue | Open more counters
  0 start 核对当日排队记录 | Checked the day's queue records
  10 extend 需汇总一个月排队数据 | A month of queue data to gather
  20 decide 高峰时段增开两个窗口，致电致歉 | Two more counters at rush hour; apologised by phone
  22 follow_up 客户基本满意 | Customer basically satisfied
  22 close 已办结 | Closed
5 letter payment rules green -
  来信质疑跨行转账手续费 | 退还手续费
  Letter questioning a transfer fee to another bank | Refund the fee
  0 start 核对收费标准 | Fee schedule checked
  1 withdraw 客户了解收费标准后撤回 | Withdrawn once the fee schedule was explained
"""
_COMPLAINANTS = (("王先生", "Mr Wang"), ("李女士", "Ms Li"), ("张先生", "Mr Zhang"))
_STEP_PAYLOADS = {
    "start": "note",
    "extend": "reason",
    "pause": "reason",
    "decide": "decision",
    "follow_up": "note",
    "close": "note",
    "withdraw": "reason",
}


def add_complaints(
    store: Store,
    branch_id: int,
    shifts: dict[tuple[date, str], tuple[int, int]],
    zone: ZoneInfo,
    now: datetime,
    rng: random.Random,
) -> None:
    """Write the cases of ``COMPLAINTS_TABLE``, each step an entry on that day's lobby shift
    (none for a day before the demo's first)."""
    with store.db.write() as session:
        staff = {s.role: s for s in session.exec(select(Staff)).all()}
        lobby = staff[Role.LOBBY]
        for lines in _case_blocks(COMPLAINTS_TABLE):
            head, zh, en, *steps = (line.strip() for line in lines)
            days_ago, channel, business, cause, severity, respondent = head.split()
            chinese = rng.random() < ZH_SHARE
            mobile = f"13{int(rng.random() * 10)}{int(rng.random() * 1e8):08d}"
            facts, request = (zh if chinese else en).format(mobile=mobile).split(" | ")
            day = (now - timedelta(days=int(days_ago))).astimezone(zone).date()
            received = datetime.combine(day, time(10, int(rng.random() * 50)), tzinfo=zone)
            case = ComplaintCase(
                branch_id=branch_id,
                number=complaints.next_number(session, branch_id, day),
                received_at=received,
                channel=channel,
                business=business,
                cause=cause,
                complainant_name=rng.choice(_COMPLAINANTS)[0 if chinese else 1],
                complainant_contact=mobile,
                respondent_id=staff[respondent].id if respondent != "-" else None,
                facts=facts,
                request=request,
                severity=severity,
                staff_id=lobby.id,
                recorded_at=received + timedelta(minutes=3),
            )
            session.add(case)
            session.flush()
            register = ("register", received, {"handler_id": lobby.id}, facts)
            later = []
            for step in steps:
                after, action, words = step.split(maxsplit=2)
                text = words.split(" | ")[0 if chinese else 1]
                at = datetime.combine(day + timedelta(days=int(after)), time(15), tzinfo=zone)
                at = min(at, now - timedelta(minutes=10))
                payload = {_STEP_PAYLOADS[action]: text}
                if action == "extend":
                    payload.update(days=15, customer_told=False)
                if action == "decide":
                    payload.update(told_by="phone", told_at=at.astimezone(UTC).isoformat())
                if action == "follow_up":
                    payload.update(satisfaction="basically")
                later.append((action, at, payload, text))
            for action, at, payload, text in (register, *later):
                shift = shifts.get((at.astimezone(zone).date(), Role.LOBBY))
                entry = Entry(
                    branch_id=branch_id,
                    staff_id=lobby.id,
                    shift_id=shift[1] if shift else None,
                    kind=Kind.COMPLAINT,
                    occurred_at=at,
                    recorded_at=min(at + timedelta(minutes=2), now),
                    topic=action,
                    text=text,
                    complaint_id=case.id,
                )
                session.add(entry)
                session.flush()
                row = ComplaintAction(
                    case_id=case.id,
                    action=action,
                    payload=complaints.to_json(payload),
                    staff_id=lobby.id,
                    at=at,
                    entry_id=entry.id,
                )
                session.add(row)
            session.flush()
            [view] = complaints.views_of(session, [case], zone)
            complaints.sync_open_complaint(session, case, view, lobby.id)


def _case_blocks(table: str) -> Iterator[list[str]]:
    """The blocks of ``COMPLAINTS_TABLE``: a head line starting with a number, then the rest."""
    block: list[str] = []
    for line in table.strip().splitlines():
        if line[:1].isdigit() and block:
            yield block
            block = []
        block.append(line)
    if block:
        yield block
