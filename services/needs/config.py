"""Settings of the needs service, read from the environment (see docs/operations.md and docs/needs.md)."""

from __future__ import annotations

import dataclasses

from shared.config import Settings


@dataclasses.dataclass(frozen=True, kw_only=True)
class NeedsSettings(Settings):
    # JP a year by employment kind (docs/needs.md, "The JP ledger"): the target an ASN is owed, and the cap
    # of development a year (0: none). PNS: at least 20 (PP 11/2017 as amended by PP 17/2020, art. 203);
    # PPPK: at most 24 per contract year (PP 49/2018 art. 40; JPT excepted). UU 20/2023 may change both.
    jp_target_pns: int = 20
    jp_target_pppk: int = 0
    jp_cap_pns: int = 0
    jp_cap_pppk: int = 24
    pppk_type_codes: str = (
        "21,24"  # digits 13-14 of an NI PPPK: 21 PPPK, 24 PPPK paruh waktu (unverified: configurable)
    )
    min_appointment_age: int = 18  # an employee number whose appointment comes before this age is refused
    # an assessment older than this many years gives way to any recent one (the current-level rule, docs/needs.md)
    assessment_valid_years: int = 3
    max_assessment_import_bytes: int = 5_000_000  # largest assessment-results file accepted over HTTP
    max_bulk_rows: int = 5000  # rows per bulk upsert request
    # a change concerning more ASN than this recomputes their gaps and needs in the worker (progress at
    # /needs/recompute-runs), not in the request; the worker does it this many ASN per transaction
    recompute_inline_max: int = 2000
    recompute_chunk_size: int = 2000
    recompute_lease_seconds: int = 600  # a running recompute silent this long is taken over
    recompute_poll_seconds: float = 2.0  # how often the worker looks for queued recomputes
    # everyone recomputed this often by the worker's own periodic job: assessments age past ASSESSMENT_VALID_YEARS and
    # the year turns without anybody changing anything
    recompute_every_seconds: int = 86400
    # SIMPEG (docs/simpeg.md); an empty base URL means SIMPEG is not configured
    simpeg_base_url: str = ""
    simpeg_token_url: str = ""  # default: SIMPEG_BASE_URL + /oauth/token
    simpeg_client_id: str = ""
    simpeg_client_secret: str = dataclasses.field(default="", repr=False)  # never printed or logged
    simpeg_timeout_seconds: float = 10.0  # per HTTP call
    simpeg_retries: int = 3  # retries of one call on 5xx, timeouts and connection errors (never on 4xx)
    simpeg_backoff_seconds: float = 0.5  # first pause between those retries, doubled each time
    simpeg_page_size: int = 100  # employees per page
    simpeg_chunk_size: int = 500  # employees applied per transaction
    simpeg_sync_lease_seconds: int = 900  # a sync silent for this long is taken over by the next one
    simpeg_max_deactivate_share: float = 0.1  # a sync deactivating more of the active employees needs an override
    simpeg_history_max_attempts: int = 12  # sends of one training-history record before it is marked failed
    simpeg_history_retry_seconds: float = 30.0  # pause after the first failed send, doubled each time (max 1 h)
    simpeg_max_import_bytes: int = 20_000_000  # largest export file accepted over HTTP (the CLI takes any size)
    # certificates of development outside Bangkom: a local folder, or s3://bucket/prefix (docs/needs.md)
    object_store_url: str = "file://.local/objects"
    object_store_endpoint: str = ""  # an S3-compatible endpoint (MinIO, Ceph); empty: AWS
    object_store_region: str = "us-east-1"
    object_store_access_key: str = ""
    object_store_secret_key: str = dataclasses.field(default="", repr=False)  # never printed or logged
    certificate_max_bytes: int = 5_000_000  # largest certificate file (PDF, PNG or JPEG)
    simpeg_poll_seconds: float = 5.0  # how often the worker looks for due records and queued syncs


def pppk_codes(settings: NeedsSettings) -> tuple[str, ...]:
    return tuple(code.strip() for code in settings.pppk_type_codes.split(",") if code.strip())


def jp_rules(settings: NeedsSettings) -> dict[str, tuple[int, int]]:
    """Employment kind → (annual JP target, annual JP cap; 0 means no cap)."""
    return {
        "PNS": (settings.jp_target_pns, settings.jp_cap_pns),
        "PPPK": (settings.jp_target_pppk, settings.jp_cap_pppk),
    }


def load_settings() -> NeedsSettings:
    return NeedsSettings.from_env("needs")
