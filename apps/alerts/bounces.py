"""Bounces that arrive later, as delivery status notifications (RFC 3464) in the return path.

SMTP refusals during sending are handled where the mail is sent; this reads the reports that a
mail server sends back after it had accepted a message, and stops mail to the addresses that
failed for good (status 5.x.x). Delayed reports (4.x.x) change nothing.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass, field
from email import policy
from email.message import Message

from .services import bounce_record

STATUS = re.compile(r"^\s*([245])\.\d{1,3}\.\d{1,3}")


@dataclass
class BounceReport:
    bounced: list[str] = field(default_factory=list)
    delayed: list[str] = field(default_factory=list)
    not_a_report: bool = False


def _recipient(block: Message) -> str:
    value = str(block.get("Final-Recipient") or block.get("Original-Recipient") or "")
    # "rfc822; reader@example.org"
    return value.split(";", 1)[-1].strip().strip("<>").lower()


def bounce_report_process(*, raw: bytes) -> BounceReport:
    """Record a permanent bounce for every recipient that failed in this report."""
    message = email.message_from_bytes(raw, policy=policy.default)
    report = BounceReport()
    statuses = [
        part for part in message.walk() if part.get_content_type() == "message/delivery-status"
    ]
    if not statuses:
        report.not_a_report = True
        return report
    for part in statuses:
        payload = part.get_payload()
        blocks = [b for b in payload if isinstance(b, Message)] if isinstance(payload, list) else []
        for block in blocks:
            recipient = _recipient(block)
            status = STATUS.match(str(block.get("Status") or ""))
            if not recipient or status is None:
                continue
            action = str(block.get("Action") or "").strip().lower()
            diagnostic = " ".join(str(block.get("Diagnostic-Code") or "").split())
            if status.group(1) == "5" and action in ("failed", ""):
                code = int(m.group(0)) if (m := re.search(r"\b[45]\d\d\b", diagnostic)) else None
                bounce_record(
                    email=recipient,
                    code=code,
                    message=diagnostic or f"Delivery status {str(block.get('Status')).strip()}",
                )
                report.bounced.append(recipient)
            elif status.group(1) == "4":
                report.delayed.append(recipient)
    return report
