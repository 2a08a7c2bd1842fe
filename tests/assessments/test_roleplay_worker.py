"""The quality check through a real Celery worker process and a real Redis broker, on
PostgreSQL, when CELERY_TEST_BROKER_URL is set (as .ci/run does)."""

from unittest.mock import patch

from assessments import roleplay
from assessments.models import Submission
from assessments.tasks import submission_quality_check
from tests.assessments.roleplay_factories import NOW, published_scenario, run
from tests.worker import needs_worker

pytestmark = needs_worker


def test_the_worker_stores_the_quality_findings(celery_worker_process, agent):
    scenario = published_scenario(quality_rules={"required": ["订单号"]})
    submission = run(scenario, agent, ["您好，这边帮您查", "可能明天到", "感谢您的耐心"])
    # The hand-in queues the check after commit; hold that one back to run it here.
    with patch.object(submission_quality_check, "delay") as queued:
        roleplay.submission_submit(submission=submission, now=NOW)
    queued.assert_called_once_with(submission.pk)
    assert Submission.objects.get(pk=submission.pk).quality is None

    findings = submission_quality_check.delay(submission.pk).get(timeout=60)

    submission.refresh_from_db()
    assert submission.quality == findings
    assert (findings["greeting"], findings["closing"]) == (True, True)
    assert findings["required_missing"] == ["订单号"]
    assert findings["vague"] == [{"phrase": "可能", "turn": 2, "position": 0}]
    assert [r["seconds"] for r in findings["reply_times"]] == [30, 30, 30]
