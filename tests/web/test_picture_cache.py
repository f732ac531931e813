"""Pictures are the same for everyone: drawn once per app, served with an ETag and
Cache-Control, and a revalidation with the same ETag gets 304 without a body."""

from __future__ import annotations

from easeback.web import views


def test_a_picture_is_drawn_once_and_revalidated_by_etag(client, monkeypatch):
    drawn: list[str] = []
    real = views.picture_svg

    def counting(t, pose="animated"):  # the real drawing, counted
        drawn.append(t.id)
        return real(t, pose)

    monkeypatch.setattr(views, "picture_svg", counting)
    first = client.get("/pictures/cat-cow.svg")
    assert first.status_code == 200 and "<svg" in first.text
    etag = first.headers["etag"]
    assert etag.startswith('"') and "max-age" in first.headers["cache-control"]
    assert first.headers["content-security-policy"].startswith("default-src 'none'")
    again = client.get("/pictures/cat-cow.svg")
    assert again.content == first.content and again.headers["etag"] == etag
    fresh = client.get("/pictures/cat-cow.svg", headers={"if-none-match": etag})
    assert fresh.status_code == 304 and fresh.content == b""
    assert fresh.headers["etag"] == etag
    stale = client.get("/pictures/cat-cow.svg", headers={"if-none-match": '"other"'})
    assert stale.status_code == 200 and stale.content == first.content
    assert drawn == ["cat-cow"]
    other = client.get("/pictures/bridge.svg")
    assert other.status_code == 200 and other.headers["etag"] != etag
    assert client.get("/pictures/no-such-thing.svg").status_code == 404


def test_static_files_carry_an_etag_and_are_revalidated(client):
    first = client.get("/static/style.css")
    assert first.status_code == 200 and first.headers["etag"]
    assert first.headers["cache-control"] == "no-cache"
    again = client.get("/static/style.css", headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_the_player_picture_gets_into_position_before_the_loop(client):
    loop = client.get("/pictures/bridge.svg")
    player = client.get("/pictures/bridge.svg?pose=setup")
    assert player.status_code == 200 and "getting into position" in player.text
    assert player.headers["etag"] != loop.headers["etag"]
    assert client.get("/pictures/bridge.svg?pose=sideways").status_code == 404
