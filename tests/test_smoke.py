def test_home(client):
    assert client.get("/healthz").status_code == 200
