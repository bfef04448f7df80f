"""`clearance test`: a policy's own tests, as folders of fixture evidence with the
verdict expected of each rule (see case.py for the format)."""
