"""Business-time maths alone (no database): add_business_minutes on the demo's Tehran office calendar
(Saturday to Wednesday 8-16, Thursday 8-12, Nowruz as one 4-day Jalali run, Sizdah Bedar, one one-off
day), built fresh for each batch as tickets.sla.store builds it.

    python -m bench.business_time

Prints the CPU time per call (best of 9 runs of 500 start times, a week apart in hours) for a short,
a one-day and a long target.
"""

import sys
import time
import timeit
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tickets.sla.business_time import Calendar, add_business_minutes  # noqa: E402

TEHRAN = ZoneInfo("Asia/Tehran")
WEEKLY = {day: ((clock_time(8), clock_time(16)),) for day in (5, 6, 0, 1, 2)} | {3: ((clock_time(8), clock_time(12)),)}
STARTS = [datetime(2026, 1, 1, 9, tzinfo=TEHRAN) + timedelta(hours=7 * i) for i in range(500)]


def main() -> None:
    for minutes in (240, 960, 9600):

        def run(minutes: int = minutes) -> None:
            calendar = Calendar(
                time_zone="Asia/Tehran",
                weekly=WEEKLY,
                holidays=frozenset({date(2026, 4, 1)}),
                jalali_runs=frozenset({(1, 1, 4), (1, 13, 1)}),
            )
            for start in STARTS:
                add_business_minutes(start=start, minutes=minutes, calendar=calendar)

        best = min(timeit.Timer(run, timer=time.process_time).repeat(number=1, repeat=9))
        print(f"{minutes:>5} business minutes: {best * 1e6 / len(STARTS):7.1f} µs per call")


if __name__ == "__main__":
    main()
