from django.dispatch import Signal

# Sent after the transaction that passed an assessment commits: with ``attempt`` (a quiz,
# sender Attempt) or ``submission`` (a graded role-play or case review, sender Submission).
# Certification listens (points, programs); assessments never imports it.
assessment_passed = Signal()
