"""An alert as the message each kind of webhook takes (pure). The words are Chinese: the receivers are
township and station group chats. No person's name, no informant data, no description: codes, the
places' names and what happened."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.alerts.rules import DEPUTY_SECRETARY_LOST
from services.alerts.rules import DISPUTE_ESCALATED
from services.alerts.rules import DISPUTE_OVERDUE
from services.alerts.rules import LEAD_OVERDUE
from services.alerts.rules import Alert
from services.alerts.settings import Format

TITLES = {
    LEAD_OVERDUE: "群众线索逾期",
    DISPUTE_OVERDUE: "矛盾纠纷逾期未调结",
    DISPUTE_ESCALATED: "矛盾纠纷上报",
    DEPUTY_SECRETARY_LOST: "村（社区）缺民警副书记",
}
STATES = {"overdue_triage": "逾期未研判", "overdue_decision": "逾期未核查处置"}
LEVELS = {"village": "村级", "township": "乡镇", "court": "法院"}


def place(j: Any, names: Mapping[str, str]) -> str:
    """Township › station › village, by name where known."""
    codes = [c for c in (j.township, j.station, j.village) if c]
    return " › ".join(names.get(c, c) for c in codes) or "全市"


def message(alert: Alert, names: Mapping[str, str]) -> tuple[str, list[str]]:
    """A title and lines."""
    f = alert.facts
    lines = [f"地点：{place(alert.jurisdiction, names)}"]
    if alert.kind == LEAD_OVERDUE:
        lines += [f"线索：{f['lead_id']}", f"状态：{STATES.get(alert.state, alert.state)}"]
    elif alert.kind == DISPUTE_OVERDUE:
        lines += [f"纠纷：{f['dispute_id']}", f"登记日期：{f['registered_on']}"]
    elif alert.kind == DISPUTE_ESCALATED:
        lines += [
            f"纠纷：{f['dispute_id']}",
            f"上报：{LEVELS[f['from_level']]} → {LEVELS[f['to_level']]}",
            f"日期：{f['escalated_on']}",
        ]
    elif alert.kind == DEPUTY_SECRETARY_LOST:
        lines += [f"村（社区）：{names.get(f['village'], f['village'])}", f"任职终止：{f['ended_on']}"]
    lines.append(f"时间：{alert.at.isoformat(timespec='minutes')}")
    return TITLES[alert.kind], lines


def body(format: Format, alert: Alert, names: Mapping[str, str]) -> dict[str, Any]:
    """The request body for a receiver of ``format``."""
    title, lines = message(alert, names)
    if format == "wecom":  # WeChat Work group robot: markdown content
        return {"msgtype": "markdown", "markdown": {"content": f"**{title}**\n" + "\n".join(lines)}}
    if format == "dingtalk":  # DingTalk group robot: markdown with a title for the notification
        return {
            "msgtype": "markdown",
            "markdown": {"title": title, "text": f"#### {title}\n\n" + "\n\n".join(lines)},
        }
    return {
        "notification": f"{alert.item}:{alert.state}",  # a receiver may deduplicate by it
        "kind": alert.kind,
        "item": alert.item,
        "state": alert.state,
        "title": title,
        "lines": lines,
        "at": alert.at.isoformat(),
        "jurisdiction": alert.jurisdiction.model_dump(),
        "facts": alert.facts,
    }
