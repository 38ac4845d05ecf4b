"""What browser tests share: the screen sizes they try."""

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
