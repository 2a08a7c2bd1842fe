"""The ledger is append-only: no code path, admin page or URL changes or removes an entry,
and on PostgreSQL the database itself refuses to."""

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import get_resolver

from certification import points
from certification.models import LedgerImmutable, PointsEntry
from tests.lms.factories import UserFactory


@pytest.fixture
def entry(agent):
    created, _ = points.points_award(
        person=agent, amount=10, reason="course", source_type="courses.course", source_id=1
    )
    return created


def _unchanged(entry) -> None:
    assert list(PointsEntry.objects.values_list("pk", "amount", "note")) == [
        (entry.pk, 10, entry.note)
    ]


def test_saving_an_existing_entry_is_refused(entry):
    entry.amount = 999
    with pytest.raises(LedgerImmutable):
        entry.save()
    with pytest.raises(LedgerImmutable):
        entry.save(update_fields=["amount"])
    entry.amount = 10
    _unchanged(entry)


def test_deleting_an_entry_is_refused(entry):
    with pytest.raises(LedgerImmutable):
        entry.delete()
    _unchanged(entry)


def test_queryset_update_and_delete_are_refused(entry):
    with pytest.raises(LedgerImmutable):
        PointsEntry.objects.filter(pk=entry.pk).update(amount=999)
    with pytest.raises(LedgerImmutable):
        PointsEntry.objects.all().delete()
    with pytest.raises(LedgerImmutable):
        PointsEntry.objects.filter(person=entry.person).update(note="edited")
    _unchanged(entry)


def test_a_correction_leaves_the_corrected_entry_as_it_was(entry, hr):
    points.points_correct(person=entry.person, amount=-4, note="更正", created_by=hr)
    entry.refresh_from_db()
    assert entry.amount == 10
    assert PointsEntry.objects.count() == 2


def test_the_admin_offers_no_way_to_add_change_or_delete_entries(entry):
    superuser = UserFactory(is_superuser=True, is_staff=True, roles=[])
    request = RequestFactory().get("/admin/")
    request.user = superuser
    model_admin = admin.site._registry[PointsEntry]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)
    assert model_admin.get_actions(request) == {}


def test_no_url_of_the_app_edits_or_deletes_points():
    _prefix, app = get_resolver().namespace_dict["certification"]
    names = [name for name in app.reverse_dict if isinstance(name, str) and "point" in name]
    assert {"points-statement", "points-correct"} <= set(names)
    assert not [n for n in names if "delete" in n or "edit" in n or "update" in n]


def test_the_admin_change_page_does_not_save(client, entry):
    superuser = UserFactory(is_superuser=True, is_staff=True, roles=[])
    client.force_login(superuser)
    url = f"/admin/certification/pointsentry/{entry.pk}/change/"
    client.post(url, {"amount": 999, "reason": "course", "note": "x", "key": "k"})
    client.post(f"/admin/certification/pointsentry/{entry.pk}/delete/", {"post": "yes"})
    _unchanged(entry)


@pytest.mark.postgres
def test_postgres_refuses_a_raw_update_or_delete(entry):
    table = PointsEntry._meta.db_table
    for sql in (
        f"UPDATE {table} SET amount = 999 WHERE id = %s",
        f"DELETE FROM {table} WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    _unchanged(entry)
