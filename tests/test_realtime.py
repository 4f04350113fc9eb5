"""The Socket.IO connection knows who is signed in, through the same session cookie."""

from community.accounts.realtime import user_room
from community.extensions import socketio


def test_connect_joins_personal_room_when_signed_in(app, signed_in, socket_client):
    user = signed_in()
    sio = socket_client()
    assert sio.is_connected()
    socketio.emit("ping", {"hello": user.name}, to=user_room(user.id))
    received = sio.get_received()
    assert received and received[0]["name"] == "ping"


def test_anonymous_socket_gets_announcements_but_no_personal_room(app, make_user,
                                                                 socket_client):
    other = make_user()
    sio = socket_client()
    socketio.emit("private", {}, to=user_room(other.id))
    socketio.emit("news", {"x": 1}, to="announcements")
    names = [event["name"] for event in sio.get_received()]
    assert names == ["news"]


def test_socket_handshake_refuses_other_origins(client):
    """Only this site's pages may open a socket (never ``*``): another origin is refused at
    the Engine.IO handshake, before any session is created."""
    path = "/socket.io/?EIO=4&transport=polling"
    assert client.get(path, headers={"Origin": "http://localhost"}).status_code == 200
    refused = client.get(path, headers={"Origin": "https://sitio-ajeno.example"})
    assert refused.status_code == 400
