from django.dispatch import Signal

# Sent after the transaction that completed an enrolment commits; kwargs: enrolment.
# Higher apps (certification: points, programs) listen; courses never imports them.
course_completed = Signal()
