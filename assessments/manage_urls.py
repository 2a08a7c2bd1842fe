from django.urls import path

from . import views_manage as views

urlpatterns = [
    # Trainers (and HR): question banks, questions, imports
    path("manage/banks/", views.banks, name="manage-banks"),
    path("manage/banks/new/", views.bank_create, name="manage-bank-create"),
    path("manage/banks/<int:pk>/", views.bank_detail, name="manage-bank"),
    path("manage/banks/<int:pk>/edit/", views.bank_edit, name="manage-bank-edit"),
    path("manage/banks/<int:pk>/import/", views.bank_import, name="manage-bank-import"),
    path(
        "manage/banks/<int:bank_pk>/questions/new/",
        views.question_create,
        name="manage-question-create",
    ),
    path(
        "manage/banks/import-template.csv",
        views.import_template,
        name="manage-import-template",
    ),
    path("manage/questions/<int:pk>/", views.question_edit, name="manage-question-edit"),
    path("manage/questions/<int:pk>/retire/", views.question_retire, name="manage-question-retire"),
    # Quizzes
    path("manage/quizzes/", views.quiz_list, name="manage-quizzes"),
    path("manage/quizzes/new/", views.quiz_create, name="manage-quiz-create"),
    path("manage/quizzes/<int:pk>/", views.quiz_detail, name="manage-quiz"),
    path("manage/quizzes/<int:pk>/edit/", views.quiz_edit, name="manage-quiz-edit"),
    path("manage/quizzes/<int:pk>/items/", views.quiz_items, name="manage-quiz-items"),
    path(
        "manage/quizzes/<int:pk>/items/add/",
        views.quiz_add_questions,
        name="manage-quiz-add-questions",
    ),
    path(
        "manage/quiz-items/<int:pk>/replace/",
        views.quiz_item_replace,
        name="manage-quiz-item-replace",
    ),
    path("manage/quizzes/<int:pk>/publish/", views.quiz_publish, name="manage-quiz-publish"),
    path("manage/quizzes/<int:pk>/archive/", views.quiz_archive, name="manage-quiz-archive"),
    path("manage/quizzes/<int:pk>/preview/", views.quiz_preview, name="quiz-preview"),
    path("manage/quizzes/<int:pk>/analysis/", views.item_analysis, name="item-analysis"),
    path(
        "manage/quizzes/<int:quiz_pk>/sections/new/",
        views.section_create,
        name="manage-section-create",
    ),
    path("manage/quiz-sections/<int:pk>/", views.section_edit, name="manage-section-edit"),
    path(
        "manage/quiz-sections/<int:pk>/delete/",
        views.section_delete,
        name="manage-section-delete",
    ),
    path("manage/quizzes/<int:quiz_pk>/rules/new/", views.rule_create, name="manage-rule-create"),
    path("manage/draw-rules/<int:pk>/", views.rule_edit, name="manage-rule-edit"),
    path("manage/draw-rules/<int:pk>/delete/", views.rule_delete, name="manage-rule-delete"),
    # Mentors, team leads, HR and trainers: results
    path("results/", views.results, name="results"),
    path("results/quizzes/<int:pk>/", views.results_quiz, name="results-quiz"),
    path("results/people/", views.results_person_pick, name="results-person-pick"),
    path("results/people/<int:pk>/", views.results_person, name="results-person"),
]
