"""Due dates in business days under a frozen clock: weekends, holidays, Mexico City dates,
time paused while waiting on the requester, first contact, overdue and on time."""

from datetime import date

from community.advisory import services


def test_first_contact_and_conclusion_skip_weekend_and_16_september(db, make_request, clock):
    clock.set_local(2026, 9, 11)  # Friday
    req = make_request(topic="fiscal")  # 15 business days
    due = services.due_dates(req)
    assert due.first_contact == date(2026, 9, 15)  # Mon 14, Tue 15
    # 14 15 | 17 18 | 21-25 | 28-2 Oct | 5 Oct: the 16th is Independence Day
    assert due.conclusion == date(2026, 10, 5)
    assert (req.first_contact_due, req.conclusion_due) == (due.first_contact, due.conclusion)
    assert due.paused_days == 0 and due.on_time is None


def test_christmas_and_new_year(db, make_request, clock):
    clock.set_local(2026, 12, 23)  # Wednesday
    req = make_request(topic="registro_estatal")
    due = services.due_dates(req)
    assert due.first_contact == date(2026, 12, 28)  # Thu 24, (25 holiday, weekend), Mon 28
    # 24 28 29 30 31 | 4-8 Jan | 11-15 Jan: 1 January is a holiday
    assert due.conclusion == date(2027, 1, 15)


def test_first_monday_of_february(db, make_request, clock):
    clock.set_local(2026, 1, 29)  # Thursday; Monday 2 February 2026 is Constitution Day
    req = make_request(topic="otro")
    assert services.due_dates(req).first_contact == date(2026, 2, 3)


def test_dates_are_counted_in_mexico_city(db, make_request, clock):
    clock.set_local(2026, 9, 10, hour=20)  # Thursday evening: already Friday in UTC
    req = make_request()
    assert clock.now().date() == date(2026, 9, 11)
    assert services.due_dates(req).first_contact == date(2026, 9, 14)  # Fri 11, Mon 14


def test_topic_sets_the_conclusion_time(db, make_request, clock):
    clock.set_local(2026, 3, 2)  # Monday
    expected = {"constituir": date(2026, 4, 14), "registro_estatal": date(2026, 3, 24)}
    # 30 business days from 2 March skip the weekends and Monday 16 March (Benito Juárez)
    for topic, day in expected.items():
        assert services.due_dates(make_request(topic=topic)).conclusion == day


def test_first_contact_overdue_until_contact(db, make_request, staff, clock):
    clock.set_local(2026, 9, 11)
    req = make_request(topic="fiscal", state="asignada")
    clock.set_local(2026, 9, 15, hour=18)
    assert not services.due_dates(req).first_contact_overdue  # the due day itself is on time
    assert services.due_dates(req, on=date(2026, 9, 16)).first_contact_overdue
    clock.set_local(2026, 9, 17)
    assert services.due_dates(req).first_contact_overdue
    services.post_message(staff, req, "Hola, te llamamos mañana.")
    assert req.first_contact_at == clock.now()
    assert not services.due_dates(req).first_contact_overdue


def test_session_is_first_contact(db, make_request, staff, clock):
    clock.set_local(2026, 9, 11)
    req = make_request(state="asignada")
    clock.set_local(2026, 9, 14)
    services.log_session(staff, req, {"held_on": "2026-09-14", "modality": "en_linea",
                                      "duration_minutes": "60", "people_attended": "3",
                                      "topics": "Primer contacto"})
    assert req.first_contact_at == clock.now()


def test_waiting_on_the_requester_pauses_the_clock(db, make_request, staff, clock):
    clock.set_local(2026, 9, 11)
    req = make_request(topic="fiscal", state="en_atencion")
    assert services.due_dates(req).conclusion == date(2026, 10, 5)
    clock.set_local(2026, 9, 21)  # Monday
    services.change_state(staff, req, "en_espera")
    clock.set_local(2026, 9, 23)
    running = services.due_dates(req)
    assert running.paused_days == 2 and running.conclusion == date(2026, 10, 7)
    # while paused, nothing is overdue however late it gets
    clock.set_local(2026, 10, 30)
    assert not services.due_dates(req).conclusion_overdue
    clock.set_local(2026, 9, 24)  # Thursday: back to work after 3 business days
    services.change_state(staff, req, "en_atencion")
    assert req.paused_days == 3 and req.paused_since is None
    assert req.conclusion_due == date(2026, 10, 8) == services.due_dates(req).conclusion
    assert req.first_contact_due == date(2026, 9, 21)  # 2 + 3 paused business days


def test_several_pauses_add_up(db, make_request, staff, citizen, clock):
    clock.set_local(2026, 3, 2)
    req = make_request(citizen, state="en_atencion", topic="otro")
    for start, end in ((3, 5), (9, 10)):
        clock.set_local(2026, 3, start)
        services.change_state(staff, req, "en_espera")
        clock.set_local(2026, 3, end)
        services.post_message(citizen, req, "Aquí estamos")  # the requester's answer resumes
    assert req.state == "en_atencion" and req.paused_days == 3


def test_conclusion_overdue_and_on_time(db, make_request, staff, clock):
    clock.set_local(2026, 9, 11)
    late = make_request(topic="fiscal", state="en_atencion")
    early = make_request(topic="fiscal", state="en_atencion")
    clock.set_local(2026, 10, 5)
    assert not services.due_dates(late).conclusion_overdue
    services.record_outcome(staff, early, {"kind": "orientacion"})
    services.conclude(staff, early)
    clock.set_local(2026, 10, 6)
    assert services.due_dates(late).conclusion_overdue
    assert services.due_dates(early).on_time is True
    assert not services.due_dates(early).conclusion_overdue  # closed: never overdue
    services.record_outcome(staff, late, {"kind": "orientacion"})
    services.conclude(staff, late)
    assert services.due_dates(late).on_time is False


def test_unconfirmed_and_cancelled_have_no_overdue(db, make_request, clock):
    clock.set_local(2026, 1, 5)
    waiting = make_request(None, state="por_confirmar")
    cancelled = make_request(state="cancelada")
    clock.set_local(2026, 12, 1)
    assert services.due_dates(waiting) == services.DueDates(None, None, 0, False, False, None)
    due = services.due_dates(cancelled)
    assert not due.first_contact_overdue and not due.conclusion_overdue and due.on_time is None


def test_next_step_for_every_state(db, make_request):
    sentences = {state: services.next_step(make_request(None, state=state))
                 for state in ("por_confirmar", "recibida", "asignada", "en_atencion",
                               "en_espera", "concluida", "cancelada")}
    assert all(sentences.values())
    assert len(set(sentences.values())) == len(sentences)
    assert "correo" in sentences["por_confirmar"]
