from .certificates import Certificate, SerialCounter
from .ladder import CareerLevel, CareerStatus, Promotion
from .points import Honour, HonourType, LedgerImmutable, PointRule, PointsEntry
from .programs import CertificateTemplate, Program, ProgramKind, Requirement
from .reports import MonthlyReport

__all__ = [
    "CareerLevel",
    "CareerStatus",
    "Certificate",
    "CertificateTemplate",
    "Honour",
    "HonourType",
    "LedgerImmutable",
    "MonthlyReport",
    "PointRule",
    "PointsEntry",
    "Program",
    "ProgramKind",
    "Promotion",
    "Requirement",
    "SerialCounter",
]
