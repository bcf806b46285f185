"""Partner institutions and their keys."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.training.models import Partner, PartnerKey
from shared.errors import NotFound


def partner(session: Session, code: str) -> Partner:
    found = session.get(Partner, code)
    if found is None:
        raise NotFound(f"No partner {code}.")
    return found


def partners(session: Session) -> list[Partner]:
    return list(session.scalars(select(Partner).order_by(Partner.code)))


def partner_keys(session: Session, code: str) -> list[PartnerKey]:
    partner(session, code)
    return list(
        session.scalars(select(PartnerKey).where(PartnerKey.partner_code == code).order_by(PartnerKey.created_at))
    )
