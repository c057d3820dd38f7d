"""The programme's published figures (Legal Daily, 2023-11-28; ../shared/DOMAIN.md) that the demo
reproduces. The loaders build their plans from these and the tests check the read API against them."""

from __future__ import annotations

from typing import Final

TOWNSHIPS: Final = 16
SUBDISTRICT_OFFICES: Final = 3
POLICE_STATIONS: Final = 34

# Dual appointments with certificates: officers as deputy party secretaries of villages, village cadres
# as joint-defence directors of stations.
OFFICERS_CERTIFIED: Final = 155
CADRES_CERTIFIED: Final = 280

# 西华派出所's officer/cadre pairs mediated 32 disputes this year (mediated: an agreement reached).
XIHUA_DISPUTES_MEDIATED: Final = 32

# 干冲海岸派出所: 30+ clearance operations, and year on year -15% calls for police service,
# -42.9% criminal cases, -24.8% public-security cases.
GANCHONG_CLEARANCE_OPERATIONS_AT_LEAST: Final = 30
GANCHONG_CHANGE_PERCENT: Final = {
    "calls_for_service": -15.0,
    "criminal_cases": -42.9,
    "public_security_cases": -24.8,
}

# 前进派出所: 10+ leads received, 3 fugitives caught.
QIANJIN_LEADS_AT_LEAST: Final = 10
QIANJIN_FUGITIVES_ARRESTED: Final = 3

# Household-registration windows in schools: 274 schools, 85,000+ students processed.
SCHOOLS_SERVED: Final = 274
STUDENTS_PROCESSED_AT_LEAST: Final = 85_000
