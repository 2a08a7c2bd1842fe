from .competencies import (
    Area,
    BehaviouralIndicator,
    Competency,
    CompetencyLevel,
    Dimension,
    Evidence,
    Level,
    PositionProfile,
    PositionRequirement,
)
from .kpi import ImportJob, ServiceKPI
from .notifications import Notification
from .people import Mentorship, Role, Team, User

__all__ = [
    "Area",
    "BehaviouralIndicator",
    "Competency",
    "CompetencyLevel",
    "Dimension",
    "Evidence",
    "ImportJob",
    "Level",
    "Mentorship",
    "Notification",
    "PositionProfile",
    "PositionRequirement",
    "Role",
    "ServiceKPI",
    "Team",
    "User",
]
