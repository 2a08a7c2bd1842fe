"""HR's certificate template editor: list, create (from the built-in design), edit, make
default, preview as PDF; a template that cannot render is refused and nothing is saved."""

import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from certification import pdf, templating
from certification.models import CertificateTemplate, ProgramKind
from tests.certification.factories import ProgramFactory

pytestmark = pytest.mark.django_db

SIMPLE_HTML = "<main><h1>{{ program_zh }}</h1><p>{{ holder_zh }} {{ holder_en }}</p></main>"


def url(name, *args):
    return reverse(f"certification:{name}", args=args)


def make_template(hr, kind=ProgramKind.SKILL, name="简洁版", **fields) -> CertificateTemplate:
    return CertificateTemplate.objects.create(
        kind=kind,
        name=name,
        html=fields.pop("html", SIMPLE_HTML),
        css=fields.pop("css", ""),
        updated_by=hr,
        **fields,
    )


def form_data(**fields) -> dict:
    data = {"kind": ProgramKind.SKILL, "name": "新模板", "html": SIMPLE_HTML, "css": ""}
    data.update(fields)
    return data


# --- Who may use it ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["agent", "team_lead", "trainer"])
def test_only_hr_may_open_the_editor(client, request, hr, who):
    template = make_template(hr)
    client.force_login(request.getfixturevalue(who))

    for response in (
        client.get(url("template-list")),
        client.get(url("template-create")),
        client.post(url("template-create"), form_data()),
        client.get(url("template-edit", template.pk)),
        client.post(url("template-edit", template.pk), form_data(name="改名")),
        client.post(url("template-default", template.pk)),
        client.get(url("template-preview", template.pk)),
        client.post(url("template-preview-new"), form_data()),
    ):
        assert response.status_code == 404
    template.refresh_from_db()
    assert (template.name, template.is_default) == ("简洁版", False)
    assert CertificateTemplate.objects.count() == 1


def test_hr_sees_the_list_with_the_default_of_each_kind(client, hr):
    default = make_template(hr, kind=ProgramKind.QUALITY, name="素养默认", is_default=True)
    other = make_template(hr, kind=ProgramKind.QUALITY, name="素养备选")
    client.force_login(hr)

    page = client.get(url("template-list")).content.decode()

    assert f'id="template-{default.pk}"' in page and f'id="template-{other.pk}"' in page
    in_use = page.split('id="kind-quality"')[1].split("</tr>")[0]
    assert "素养默认" in in_use
    skill = page.split('id="kind-skill"')[1].split("</tr>")[0]
    assert url("template-edit", default.pk) not in skill  # the built-in design


def test_the_list_has_an_empty_state(client, hr):
    client.force_login(hr)

    page = client.get(url("template-list")).content.decode()

    assert 'class="empty"' in page


# --- Creating and editing ----------------------------------------------------------------


def test_a_new_template_starts_from_the_built_in_design(client, hr):
    client.force_login(hr)

    response = client.get(url("template-create"), {"kind": "quality"})

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["html"] == pdf.DEFAULT_HTML
    assert form.initial["css"] == pdf.DEFAULT_CSS
    assert form.initial["kind"] == "quality"
    assert "{{ holder_zh }}" in response.content.decode()  # listed among the values


def test_hr_creates_a_template_and_may_make_it_the_default(client, hr):
    client.force_login(hr)

    response = client.post(url("template-create"), form_data(name="技能新版", make_default="on"))

    template = CertificateTemplate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("template-edit", template.pk)
    assert (template.name, template.kind, template.is_default, template.updated_by) == (
        "技能新版",
        ProgramKind.SKILL,
        True,
        hr,
    )
    assert template.html == SIMPLE_HTML


@pytest.mark.parametrize(
    ("html", "why"),
    [
        ("<p>{% if %}</p>", "syntax"),
        ('<p>{% include "base.html" %}</p>', "include"),
        ("{% load static %}<img src=\"{% static 'x.png' %}\">", "load"),
        ('{% extends "base.html" %}', "extends"),
        ("<p>{{ holder_zh|no_such_filter }}</p>", "filter"),
        ("{% debug %}", "debug"),
        ("<p>{{ holder_zh.__class__ }}</p>", "private attribute"),
        ("   ", "empty"),
    ],
)
def test_a_template_that_cannot_render_is_refused_and_nothing_saved(client, hr, html, why):
    client.force_login(hr)

    response = client.post(url("template-create"), form_data(html=html))

    assert response.status_code == 400, why
    assert response.context["form"].errors, why
    assert 'class="errors"' in response.content.decode()
    assert CertificateTemplate.objects.count() == 0


def test_the_service_names_the_problem(hr):
    with pytest.raises(ValidationError) as refused:
        templating.template_create(
            kind=ProgramKind.SKILL,
            name="坏模板",
            html='{% include "secrets.html" %}',
            css="",
            by=hr,
        )

    assert "include" in refused.value.message_dict["html"][0]
    assert CertificateTemplate.objects.count() == 0


def test_editing_saves_new_html_and_a_broken_edit_changes_nothing(client, hr, trainer):
    template = make_template(hr)
    client.force_login(hr)

    refused = client.post(
        url("template-edit", template.pk), form_data(name="改名", html="{% load i18n %}")
    )
    template.refresh_from_db()
    assert refused.status_code == 400
    assert (template.name, template.html) == ("简洁版", SIMPLE_HTML)

    saved = client.post(
        url("template-edit", template.pk),
        form_data(name="改名", html="<p>{{ serial }}</p>", css="p { color: red; }", kind="quality"),
    )
    template.refresh_from_db()
    assert saved.status_code == 302
    assert (template.name, template.html, template.css) == (
        "改名",
        "<p>{{ serial }}</p>",
        "p { color: red; }",
    )
    assert template.kind == ProgramKind.SKILL  # a template keeps its kind


def test_making_a_template_the_default_replaces_the_previous_default(client, hr):
    old = make_template(hr, name="旧默认", is_default=True)
    new = make_template(hr, name="新默认")
    quality = make_template(hr, kind=ProgramKind.QUALITY, name="素养默认", is_default=True)
    client.force_login(hr)

    response = client.post(url("template-default", new.pk))

    assert response.status_code == 302
    defaults = set(CertificateTemplate.objects.filter(is_default=True).values_list("pk", flat=True))
    assert defaults == {new.pk, quality.pk}
    assert old.pk not in defaults


def test_programs_render_with_their_kinds_default_template(hr):
    make_template(hr, html="<p>默认技能模板 {{ serial }}</p>", is_default=True)
    own = make_template(hr, name="专属", html="<p>专属模板</p>")

    assert pdf.template_for(ProgramFactory(kind="skill"))[0].startswith("<p>默认技能模板")
    assert pdf.template_for(ProgramFactory(kind="skill", template=own))[0] == "<p>专属模板</p>"
    assert pdf.template_for(ProgramFactory(kind="quality"))[0] == pdf.DEFAULT_HTML


# --- Preview -----------------------------------------------------------------------------


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "preview.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_preview_of_a_saved_template_is_an_inline_pdf_with_sample_values(client, hr, tmp_path):
    template = make_template(
        hr, html=pdf.DEFAULT_HTML.replace("{{ organisation }}", "预览模板"), css=pdf.DEFAULT_CSS
    )
    client.force_login(hr)

    response = client.get(url("template-preview", template.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    text = pdf_text(response.content, tmp_path)
    for sample in ("预览模板", "王雨桐", "Wang Yutong", templating.SAMPLE_SERIAL):
        assert sample in text


def test_previewing_unsaved_html_saves_nothing(client, hr, tmp_path):
    template = make_template(hr)
    client.force_login(hr)

    response = client.post(
        url("template-preview", template.pk),
        form_data(name="未保存", html="<p>草稿 {{ serial }}</p>"),
    )

    assert response["Content-Type"] == "application/pdf"
    assert "草稿 AA-2026-000000" in pdf_text(response.content, tmp_path)
    template.refresh_from_db()
    assert (template.name, template.html) == ("简洁版", SIMPLE_HTML)


def test_previewing_a_new_template_and_a_broken_one(client, hr, tmp_path):
    client.force_login(hr)

    fine = client.post(url("template-preview-new"), form_data(html="<p>{{ holder_en }}</p>"))
    broken = client.post(url("template-preview-new"), form_data(html="<p>{% if %}</p>"))

    assert "Wang Yutong" in pdf_text(fine.content, tmp_path)
    assert broken.status_code == 400
    assert broken["Content-Type"].startswith("text/html")
    assert CertificateTemplate.objects.count() == 0


def test_the_sample_qr_code_points_at_a_sample_verification_address():
    context = templating.sample_context(ProgramKind.SKILL)

    assert context["serial"] == "AA-2026-000000"
    assert context["verify_url"] == pdf.verify_url(templating.SAMPLE_CODE)
    assert context["qr_src"].startswith("data:image/svg+xml")
    assert (context["holder_zh"], context["holder_en"]) == ("王雨桐", "Wang Yutong")
