"""entra_kit.ids: the settings' GUID lists."""

from __future__ import annotations

import pytest

from entra_kit.ids import guid_list


def test_guid_list_lowers_every_id_and_names_the_first_bad_one() -> None:
    upper = "B63E68DE-D8DE-4919-B8C7-175CC63619FC"
    assert guid_list([upper]) == [upper.lower()]
    with pytest.raises(ValueError, match="not a GUID: contoso"):
        guid_list([upper, "contoso", "x"])
