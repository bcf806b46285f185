"""Events as other services send them, for tests that feed a service's consumer or handlers."""

from __future__ import annotations

from shared.events import Event, new_event


def employee_synced(
    nip: str, supervisor_nip: str | None = None, unit: str = "BPBD", active: bool = True, **data
) -> Event:
    return new_event(
        "EmployeeSynced",
        {
            "nip": nip,
            "name": f"Pegawai {nip[-4:]}",
            "position_code": None,
            "position_name": None,
            "unit_code": unit,
            "unit_name": f"Dinas {unit}",
            "rank": None,
            "supervisor_nip": supervisor_nip,
            "employment_status": "PNS",
            "active": active,
        }
        | data,
    )
