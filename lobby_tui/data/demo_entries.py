"""The demo's lobby days, generated: which moments happen (the scene table), how many entries
fall in each minute of business hours, the entries themselves and how the hand-offs among them
ended. Pure generation from a seeded ``random.Random``, no database: data/demo.py writes what
this yields, in bulk.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Row

from lobby_tui.domain.kinds import Kind
from lobby_tui.domain.roles import Role

ZH_SHARE = 0.65  # most staff write the log in Chinese, some in English
LOBBY_SHARE = 0.85  # the lobby manager writes most entries; the supervisor steps in at the rush
HANDOFF_OPEN_FOR = timedelta(hours=1)  # hand-offs younger than this are still open
# How a closed hand-off ended, and how often; a referral is a sale this often when completed.
HANDOFF_ENDINGS = {"completed": 75, "returned": 15, "no_show": 10}
SALE_SHARE = 0.4
REFERRAL_TARGETS = ("manager:wealth", "manager:relationship")

# One moment of a branch day per block: "kind weight business priority target topic" ("-" for
# none), then "text | outcome" in Chinese and in English. ``{n}`` is a counter (target "counter"
# picks one), ``{mobile}`` a customer's mobile number, which the app masks when it shows it.
SCENES_TABLE = """
queue 6 account_opening elderly counter -
  老大爷来开卡并存现金，协助填单，走绿色通道到{n}号窗口 | 已办结，客户满意
  Elderly man opening a card and depositing cash; priority lane to counter {n} | Done, satisfied
queue 8 deposit none counter -
  客户存3万元一年期定期，取号后引导至{n}号窗口 | 已办理，告知到期自动转存
  30,000 yuan into a one-year fixed deposit; sent to counter {n} | Done; rolls over at maturity
queue 6 deposit none self_service -
  客户取现2000元，引导至ATM自助办理，免排队 | 客户自助完成
  Withdrawing 2,000 yuan cash; shown to the ATM instead of queueing | Done at the ATM
queue 3 deposit none counter -
  客户未预约取现10万元，先在{n}号窗口取5万元 | 余款已预约次日
  Wants 100,000 yuan cash, not booked: 50,000 now at counter {n} | Rest booked for tomorrow
queue 4 transfer none self_service -
  客户跨行转账，引导至智能柜员机并演示操作 | 客户自助完成
  Transfer to another bank; shown how on the smart teller machine | Done by the customer
queue 3 card elderly counter -
  老人激活社保卡金融功能，绿色通道优先到{n}号窗口 | 已激活
  Elderly lady activating her social security card; priority to counter {n} | Activated
queue 2 other disability counter -
  轮椅客户，打开无障碍通道，陪同至{n}号低柜 | 已办结，送至门口
  Customer in a wheelchair; ramp opened, took him to low counter {n} | Done, saw him out
queue 2 deposit pregnant counter -
  孕妇客户存款，安排优先叫号，提供座椅和温水 | 已办结
  Pregnant customer making a deposit; called first, offered a seat and water | Done
queue 3 wealth vip vip_room -
  VIP客户到店，引导至贵宾室等候 | 理财经理已接待
  VIP customer arrived; shown to the VIP room | Wealth manager with her
queue 2 deposit none counter -
  客户在{n}号窗口插队，打断柜员办理业务，劝导取号等候 | 客户接受，回座等候
  Man cut in at counter {n} mid-transaction; asked him to wait for his number | Took a seat
queue 2 other none counter -
  客户过号，返回后按规定重新取号 | 已重新排队
  Missed call: customer was outside on the phone; new ticket issued | Re-queued
enquiry 4 forex - - forex
  咨询美元汇率和个人每年5万美元购汇额度 | 已解答，演示手机银行购汇
  Asked about the USD rate and the USD 50,000 yearly quota | Answered; showed buying in the app
enquiry 2 forex - - forex
  外籍客户想把欧元换成人民币 | 告知需带护照，引导至{n}号窗口
  Foreign visitor wants to change euros into yuan | Passport needed; sent to counter {n}
enquiry 5 ebanking - - ebanking
  客户忘记手机银行登录密码，指导用App刷脸重置 | 已重置成功
  Forgot the mobile banking password; guided the face-ID reset in the app | Reset done
enquiry 3 deposit - - deposit_rates
  咨询大额存单起存金额和利率 | 已解答：20万元起存
  Asked about large certificates of deposit | Answered: from 200,000 yuan
enquiry 2 other - - opening_documents
  客户想替母亲代办，咨询所需材料 | 告知需双方身份证和授权书
  Wants to act for his mother; asked which papers are needed | Both ID cards and an authority
enquiry 2 transfer - - fees
  咨询跨行转账手续费 | 告知手机银行转账免费
  Asked about fees for transfers to other banks | Free in mobile banking
enquiry 2 loan - - loan
  咨询房贷提前还款，留电话{mobile}待客户经理回电 | 已转客户经理
  Asks about repaying the mortgage early; call back on {mobile} | Passed to the RM
handoff 4 wealth none manager:wealth -
  客户20万元定期到期，想了解理财，引见理财经理 | 已接待，购买一年期理财
  200,000 yuan deposit matures; introduced to the wealth manager | Bought a one-year product
handoff 2 loan none manager:relationship -
  小微企业主咨询经营贷，转介客户经理 | 待回访
  Small shop owner asking about a business loan; referred to the RM | Pending call-back
handoff 3 card none counter -
  客户银行卡丢失，转{n}号窗口办理挂失补卡 | 已办结
  Lost card: handed to counter {n} to report it and get a new one | Done
handoff 1 forex none counter -
  客户给海外读书的孩子汇学费，转{n}号窗口 | 汇款已办结
  Sending tuition to a child studying abroad; handed to counter {n} | Remittance sent
note 2 card - self_service -
  ATM吞卡，登记客户信息，告知次日凭身份证领取，电话{mobile} | 已登记
  ATM swallowed a card; collect with ID tomorrow, tel {mobile} | Logged
note 1 transfer elderly - -
  老人要向“公安账户”转账5万元，疑似诈骗，劝阻并联系家属 | 劝阻成功，已报告
  Old man about to pay a "police account" 50,000 yuan: a scam, stopped him | Family called
note 2 other - counter -
  等候超过30人，请主管临时加开{n}号窗口 | 等候降至10人以下
  Over 30 waiting; supervisor opened counter {n} | Queue back under 10
note 1 other - - -
  叫号机网络中断约5分钟，改为人工叫号 | 已恢复，已报科技部门
  Queue system offline for about 5 minutes; called numbers by hand | Back up; IT told
check 2 other - - -
  巡查自助区：ATM回单纸不足，已更换 | 正常
  Self-service patrol: ATM receipt paper low, replaced | OK
check 2 other - - -
  检查取号机纸张、填单台、LED屏和排队系统网络 | 正常，已补充填单笔
  Ticket paper, form desk, LED screen and queue link checked | OK; pens restocked
"""


class Scene(NamedTuple):
    """One moment of the lobby day: its codes, and (text, outcome) in Chinese and in English."""

    kind: str
    weight: int
    business: str | None
    priority: str | None
    target: str | None
    topic: str | None
    zh: list[str]
    en: list[str]


def _parse_scenes(table: str) -> list[Scene]:
    lines = [line.strip() for line in table.strip().splitlines()]
    scenes = []
    for head, zh, en in zip(lines[0::3], lines[1::3], lines[2::3], strict=True):
        kind, weight, *codes = (None if word == "-" else word for word in head.split())
        scenes.append(
            Scene(Kind(kind).value, int(weight), *codes, zh.split(" | "), en.split(" | "))
        )
    return scenes


SCENES = _parse_scenes(SCENES_TABLE)
# Ticket letters as the dispenser gives them: A for cash, B for the rest, V for VIP customers.
_PREFIX = {"deposit": "A"}
_CUMULATIVE = list(accumulate(scene.weight for scene in SCENES))


class Day(NamedTuple):
    day: date
    opens_at: datetime  # UTC
    per_minute: list[int]  # entries in each minute from 9:00


def last_days(now: datetime, days: int, zone: ZoneInfo) -> list[date]:
    """The branch days of the demo, oldest first.

    They end today once the branch has been open an hour; before that, today would hold almost
    nothing and the demo would look a day short.
    """
    local = now.astimezone(zone)
    last = local.date() if local.time() >= time(10) else local.date() - timedelta(days=1)
    return [last - timedelta(days=back) for back in range(days - 1, -1, -1)]


def plan_minutes(
    rng: random.Random, days: list[date], zone: ZoneInfo, now: datetime, total: int
) -> list[Day]:
    """How many entries fall in each minute of business hours, ``total`` in all.

    Rush hours (10–11, 15–16) weigh more, weekends less. Minutes later than three before
    ``now`` weigh nothing, so that no entry, occurred or recorded, lies in the future.
    """
    cutoff = now - timedelta(minutes=3)
    weights_per_day = []
    for day in days:
        opens_at = datetime.combine(day, time(9), tzinfo=zone).astimezone(UTC)
        weights = [
            (2.5 if minute // 60 in (1, 6) else 1.0) * rng.uniform(0.6, 1.4)
            if opens_at + timedelta(minutes=minute) < cutoff
            else 0.0
            for minute in range(8 * 60)
        ]
        weights_per_day.append((day, opens_at, weights))
    day_weights = [
        sum(weights) * (0.6 if day.weekday() >= 5 else 1.0) * rng.uniform(0.85, 1.15)
        for day, _opens, weights in weights_per_day
    ]
    return [
        Day(day, opens_at, spread(count, weights))
        for (day, opens_at, weights), count in zip(
            weights_per_day, spread(total, day_weights), strict=True
        )
    ]


def spread(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights``; the parts add up to exactly ``total``."""
    cumulative = list(accumulate(weights))
    if not cumulative or cumulative[-1] <= 0:
        return [0] * len(weights)
    marks = [round(total * part / cumulative[-1]) for part in cumulative]
    return [after - before for before, after in zip([0, *marks], marks, strict=False)]


def entry_rows(
    rng: random.Random,
    branch_id: int,
    plan: list[Day],
    shifts: dict[tuple[date, str], tuple[int, int]],
) -> Iterator[dict[str, Any]]:
    """The entries, oldest first, as dicts of column values.

    Generated as they are asked for, so a million entries never sit in memory together.
    """
    weight = _CUMULATIVE[-1]
    for day in plan:
        lobby, reviewer = shifts[day.day, Role.LOBBY], shifts[day.day, Role.REVIEWER]
        tickets = {"A": 0, "B": 0, "V": 0}  # the dispenser restarts every morning
        for minute, count in enumerate(day.per_minute):
            start = day.opens_at + timedelta(minutes=minute)
            for second in sorted(int(rng.random() * 60) for _ in range(count)):
                scene = SCENES[bisect(_CUMULATIVE, rng.random() * weight)]
                staff_id, shift_id = lobby if rng.random() < LOBBY_SHARE else reviewer
                text, outcome = scene.zh if rng.random() < ZH_SHARE else scene.en
                counter = 1 + int(rng.random() * 6)
                if "{" in text or "{" in outcome:
                    mobile = f"13{int(rng.random() * 10)}{int(rng.random() * 1e8):08d}"
                    text = text.format(n=counter, mobile=mobile)
                    outcome = outcome.format(n=counter, mobile=mobile)
                ticket = None
                if scene.kind in (Kind.QUEUE, Kind.HANDOFF):
                    prefix = "V" if scene.priority == "vip" else _PREFIX.get(scene.business, "B")
                    tickets[prefix] += 1 + int(rng.random() * 3)
                    ticket = f"{prefix}{tickets[prefix] % 10_000:03d}"
                occurred_at = start + timedelta(seconds=second)
                is_handoff = scene.kind == Kind.HANDOFF
                yield {
                    "branch_id": branch_id,
                    "staff_id": staff_id,
                    "shift_id": shift_id,
                    "kind": scene.kind,
                    "occurred_at": occurred_at,
                    "recorded_at": occurred_at + timedelta(seconds=5 + int(rng.random() * 100)),
                    "ticket": ticket,
                    "business": scene.business,
                    "priority": scene.priority,
                    "target": f"counter:{counter}" if scene.target == "counter" else scene.target,
                    "topic": scene.topic,
                    "text": text,
                    "outcome": outcome,
                    "referral": scene.target in REFERRAL_TARGETS if is_handoff else None,
                }


def handoff_outcomes(
    rng: random.Random, handoffs: Iterable[Row], now: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The events of ``handoffs`` (id, branch_id, staff_id, occurred_at, referral), and the
    open-items rows of those still open."""
    events: list[dict[str, Any]] = []
    still_open: list[dict[str, Any]] = []
    endings, weights = list(HANDOFF_ENDINGS), list(HANDOFF_ENDINGS.values())
    for entry_id, branch_id, staff_id, occurred_at, referral in handoffs:
        accepted_at = occurred_at + timedelta(minutes=2 + int(rng.random() * 8))
        step = {"entry_id": entry_id, "staff_id": staff_id, "product_sold": None}
        if occurred_at >= now - HANDOFF_OPEN_FOR:
            if accepted_at < now and rng.random() < 0.5:
                events.append({**step, "event": "accepted", "at": accepted_at})
            still_open.append(
                {
                    "entry_id": entry_id,
                    "branch_id": branch_id,
                    "kind": "handoff",
                    "since": occurred_at,
                }
            )
            continue
        ending = rng.choices(endings, weights)[0]
        if ending != "no_show":
            events.append({**step, "event": "accepted", "at": accepted_at})
        sold = rng.random() < SALE_SHARE if ending == "completed" and referral else None
        ended_at = accepted_at + timedelta(minutes=5 + int(rng.random() * 40))
        events.append({**step, "event": ending, "at": ended_at, "product_sold": sold})
    return events, still_open
