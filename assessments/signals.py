from django.dispatch import Signal

# Sent after the transaction that submitted a passing attempt commits; kwargs: attempt.
# Certification listens (points, programs); assessments never imports it.
assessment_passed = Signal()
