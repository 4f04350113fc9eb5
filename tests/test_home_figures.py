"""Issue 12, item 7: every figure on the home page is counted from the data, none written in
the template; change the data and the figure changes."""

import re
from pathlib import Path

from community.events import services as event_services
from tests.events.conftest import event_form


def _figures(client) -> list[str]:
    body = client.get("/").get_data(as_text=True)
    return re.findall(r'<p class="figure__number">([^<]*)</p>', body)


def test_no_figure_is_written_in_the_template():
    source = Path("templates/main/home.html").read_text(encoding="utf-8")
    for number in re.findall(r'class="figure__number">([^<]*)<', source):
        assert "stats." in number, number
    assert "2,000" not in source and "3,234" not in source


def test_figures_follow_the_data(client, db, staff, make_org):
    assert _figures(client) == ["0", "0", "0", "0", "0"]
    make_org(municipality="15106")
    make_org(municipality="15106")
    make_org(municipality="15033")
    make_org(status="rejected", municipality="15058")
    event = event_services.create_event(staff, event_form(), None)
    event_services.publish(staff, event)
    db.session.commit()
    validated, municipalities, upcoming, *_ = _figures(client)
    assert (validated, municipalities, upcoming) == ("3", "2", "1")
    body = client.get("/").get_data(as_text=True)
    assert "OSC validadas en el padrón estatal" in body and "más de" not in body
