"""Settings of the training service, read from the environment (see docs/operations.md and docs/training.md)."""

from __future__ import annotations

import dataclasses

from services.training import sealing, signing
from shared.config import ConfigError, Settings


@dataclasses.dataclass(frozen=True, kw_only=True)
class TrainingSettings(Settings):
    default_min_attendance: float = 0.8  # share of meetings to attend when a program sets none
    max_attendance_records: int = 1000  # per partner request
    max_attendance_body_bytes: int = 4_194_304  # the body of such a request (413 above)
    attendance_clock_skew_seconds: int = 300  # a record may be this far ahead of our clock, no further
    check_in_rotate_seconds: int = 60  # a venue's check-in code changes this often (and is valid one period more)
    check_in_early_minutes: int = 30  # check-in opens this long before a meeting starts (it closes at its end)
    max_sheet_bytes: int = 5_000_000  # the largest attendance sheet accepted
    reopen_window_days: int = 30  # a closed batch can be reopened (to correct it) this long after closing
    minutes_per_jp: int = 45  # one JP (jam pelajaran) of learning, to check a program's JP against its meetings
    # the instansi's key for the certificates' electronic signature (PKCS#12: key, certificate, chain); empty: unsigned
    certificate_signing_pkcs12_file: str = ""
    certificate_signing_passphrase: str = dataclasses.field(default="", repr=False)
    # seals the partners' secrets at rest (the gateway checks their signatures with them): a long random string of
    # its own; empty: derived from INTERNAL_IDENTITY_SECRET (a warning at start)
    partner_key_encryption_key: str = dataclasses.field(default="", repr=False)
    in_house_organiser_name: str = ""  # the organiser of the agency's own (in-house) trainings; empty: its short name

    def __post_init__(self) -> None:
        super().__post_init__()
        try:
            signing.check(self.certificate_signing_pkcs12_file, self.certificate_signing_passphrase)
        except (OSError, ValueError) as exc:
            raise ConfigError(f"The training service cannot start: CERTIFICATE_SIGNING_PKCS12_FILE {exc}") from None

    @property
    def partner_sealing_key(self) -> bytes:
        return sealing.key_of(self.partner_key_encryption_key or "internal:" + self.internal_identity_secret)


def load_settings() -> TrainingSettings:
    return TrainingSettings.from_env("training")
