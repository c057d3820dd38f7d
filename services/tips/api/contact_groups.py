"""Contact groups: a village's WeChat groups, which safety notices are posted to."""

from __future__ import annotations

from govgrid.service import Command
from govgrid.service import StateReads
from govgrid.service import command_router
from govgrid.service import record_id
from govgrid.service import state_response
from services.tips.application import handlers as h
from services.tips.domain.contact_groups import ContactGroup

Answer = state_response(ContactGroup)

router = command_router(
    "/contact-groups",
    ["contact groups"],
    {"group_id": record_id()},
    [
        Command(
            "",
            h.register_contact_group,
            "Register a village's contact group (警民微信联络群, 村居安全防范群)",
        )
    ],
    state=StateReads(h.CONTACT_GROUP, Answer, summary="A contact group"),
)
