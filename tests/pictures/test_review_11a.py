"""Review 11a, pictures seen cold: the towel extension drawn draped over the towel, the turn
close-up from above facing as the figure does, motion arrows clear of the step badges, and no
shaded wedge under the low back of the main figure that reads as an object."""

from __future__ import annotations

from easeback.domain.body import pose_body
from easeback.pictures.figures import figure_for


def test_the_towel_extension_drapes_the_upper_back_over_the_towel_then_lifts_a_little():
    """Review 11a: head and shoulders held off the floor in every frame, like a crunch; step 3
    ('let your upper back relax over the towel') looked as steps 1-2 and step 4 ('lift your
    head and shoulders a little') hard to tell from it. In step 3 the chest now slopes down
    from the towel to the neck, the head in the hands near the floor, clearly lower than in
    steps 1-2; step 4 lifts the head clearly off it again."""
    fig = figure_for("thoracic-extension-towel")
    start, end = pose_body(fig.start), pose_body(fig.end)
    lift = pose_body(fig.finish[0])
    thorax = end.segments["thorax"]
    assert thorax.b[1] < thorax.a[1] - 0.01  # the upper back goes down beyond the towel
    head = end.segments["head"]
    assert head.a[1] - head.hw < 0.1  # the head's underside near the floor
    assert start.segments["head"].a[1] - head.a[1] >= 0.08  # steps 1-2 -> 3: visibly lower
    assert lift.segments["head"].a[1] - head.a[1] >= 0.15  # step 3 -> 4: visibly lifted
    assert lift.landmarks["neck_base"][1] - end.landmarks["neck_base"][1] >= 0.08  # shoulders
    assert fig.steps["end"] == (3,) and fig.steps["finish.0"] == (4,)
