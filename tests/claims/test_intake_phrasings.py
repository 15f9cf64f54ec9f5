"""The finder's reading of real-world phrasings: each sentence, the span found in it, and the structured figure the
span must give (value, unit, qualifier, then the bounds and the period where it has them; "-" for none)."""

from decimal import Decimal

import pytest

from claims.intake.finder import find_candidates

# ruff: noqa: E501 (a table of sentences, one a line)

# sentence | span | value unit qualifier [period] or value unit qualifier lower upper [period]
PHRASINGS = """
Trade reached $245 billion last year. | $245 billion | 245000000000 USD exact
Trade reached approximately $245 billion. | approximately $245 billion | 245000000000 USD approximately
Revenue was $3.5bn. | $3.5bn | 3500000000 USD exact
Revenue was 3.5bn euros. | 3.5bn euros | 3500000000 EUR exact
A 1.2 trillion yuan stimulus was announced. | 1.2 trillion yuan | 1200000000000 CNY exact
The fund holds €40m. | €40m | 40000000 EUR exact
The club paid £350 million a week. | £350 million a week | 350000000 GBP exact
We pay £20bn a year. | £20bn a year | 20000000000 GBP exact
Investments of over 400 billion dollars were made. | over 400 billion dollars | 400000000000 USD over
It costs $1,200 a month. | $1,200 a month | 1200 USD exact
Sales hit US$5 billion. | US$5 billion | 5000000000 USD exact
The deal was worth $2.7 trillion. | $2.7 trillion | 2700000000000 USD exact
The budget is 300 million roubles. | 300 million roubles | 300000000 RUB exact
Exports fell to 12 trillion yen. | 12 trillion yen | 12000000000000 JPY exact
A loan of €1.5 billion was agreed. | €1.5 billion | 1500000000 EUR exact
They spent $45m on ads. | $45m | 45000000 USD exact
He earned $900,000 in bonuses. | $900,000 | 900000 USD exact
She lent £7.5 million. | £7.5 million | 7500000 GBP exact
Nearly $3 billion was lost. | Nearly $3 billion | 3000000000 USD approximately
Roughly €600m was spent. | Roughly €600m | 600000000 EUR approximately
More than $10 billion went missing. | More than $10 billion | 10000000000 USD over
Less than $1 billion remained. | Less than $1 billion | 1000000000 USD under
Up to £2 billion could be saved. | Up to £2 billion | 2000000000 GBP under
At least $50 million was raised. | At least $50 million | 50000000 USD over
About 8 billion dollars flowed in. | About 8 billion dollars | 8000000000 USD approximately
Some $4bn was wasted. | Some $4bn | 4000000000 USD approximately
Almost €5bn was paid. | Almost €5bn | 5000000000 EUR approximately
In excess of $20 million was spent. | In excess of $20 million | 20000000 USD over
Upwards of £100m was raised. | Upwards of £100m | 100000000 GBP over
Fewer than 300 troops remain. | Fewer than 300 troops | 300 people under
Unemployment is 11 percent. | 11 percent | 11 percent exact
Unemployment is 11 per cent. | 11 per cent | 11 percent exact
It fell to 44%. | 44% | 44 percent exact
Support stands at 4.5%. | 4.5% | 4.5 percent exact
Turnout was 67.3 percent. | 67.3 percent | 67.3 percent exact
Only 11 percent of experts believed it. | 11 percent | 11 percent exact
Over 60% of voters agreed. | Over 60% | 60 percent over
Nearly 30 per cent of homes flooded. | Nearly 30 per cent | 30 percent approximately
Around 5% of the budget goes to defence. | Around 5% | 5 percent approximately
Up to 30% of the budget was cut. | Up to 30% | 30 percent under
At least 25 percent were hit. | At least 25 percent | 25 percent over
Less than 2% of them replied. | Less than 2% | 2 percent under
More than 90 percent of the cases. | More than 90 percent | 90 percent over
Inflation rose 2 percentage points. | 2 percentage points | 2 percentage_points exact
Rates rose by 0.25 percentage point. | 0.25 percentage point | 0.25 percentage_points exact
Support slipped 3 pp in a month. | 3 pp | 3 percentage_points exact
About 1.5 percentage points were lost. | About 1.5 percentage points | 1.5 percentage_points approximately
The rate was 7 pct. | 7 pct | 7 percent exact
Ninety-three per cent of voters agreed. | Ninety-three per cent | 93 percent exact
Forty percent of them left. | Forty percent | 40 percent exact
Twenty-five per cent said yes. | Twenty-five per cent | 25 percent exact
Forty-two people died. | Forty-two people | 42 people exact
Twelve ships sank. | Twelve ships | 12 count exact
They met forty-two times. | forty-two | 42 count exact
Two hundred and fifty soldiers were killed. | Two hundred and fifty soldiers | 250 people exact
Three thousand people marched. | Three thousand people | 3000 people exact
Two million people fled. | Two million people | 2000000 people exact
Fifty-five tanks were destroyed. | Fifty-five tanks | 55 count exact
Nearly ninety tanks were lost. | Nearly ninety tanks | 90 count approximately
Over twelve ships sailed. | Over twelve ships | 12 count over
A thirty-year confrontation ended. | thirty-year | 30 years exact
He served for three years. | three years | 3 years exact
In the last six months prices rose. | six months | 6 months exact
A five-day visit began. | five-day | 5 days exact
Sixty-four experts took part. | Sixty-four | 64 count exact
They bought 200 Su-27s. | 200 | 200 count exact
A study of 64 leading experts. | 64 | 64 count exact
Russia has 6,000 warheads. | 6,000 | 6000 count exact
About 40,000 troops were deployed. | About 40,000 troops | 40000 people approximately
The army lost 300 tanks. | 300 tanks | 300 count exact
The navy has 12 submarines. | 12 submarines | 12 count exact
He fired 1,500 missiles. | 1,500 missiles | 1500 count exact
Over 40 ships sailed. | Over 40 ships | 40 count over
More than 20 other documents were signed. | More than 20 | 20 count over
Nearly 3 million people fled. | Nearly 3 million people | 3000000 people approximately
Around 500 troops arrived. | Around 500 troops | 500 people approximately
At least 12 aircraft were lost. | At least 12 aircraft | 12 count over
The city has 1.4 million inhabitants. | 1.4 million inhabitants | 1400000 people exact
India has 1.4bn people. | 1.4bn people | 1400000000 people exact
Since 2013 the two leaders have met over 42 times. | over 42 | 42 count over
They have met 40 times. | 40 | 40 count exact
The field yields 5 million barrels per day. | 5 million barrels per day | 5000000 barrels_per_day exact
Output is 10 million barrels a day. | 10 million barrels a day | 10000000 barrels_per_day exact
It exported 108 million tonnes. | 108 million tonnes | 108000000 tonnes exact
The country covers 17.1 million square kilometres. | 17.1 million square kilometres | 17100000 square_kilometres exact
The border runs 4,200 km. | 4,200 km | 4200 kilometres exact
The pipeline is 2,000 kilometres long. | 2,000 kilometres | 2000 kilometres exact
Fires burned 50,000 hectares. | 50,000 hectares | 50000 hectares exact
The war lasted 1,500 days. | 1,500 days | 1500 days exact
He ruled for 20 years. | 20 years | 20 years exact
She was jailed for 18 months. | 18 months | 18 months exact
1 in 4 adults smoke. | 1 in 4 | 0.25 ratio exact
One in five children is poor. | One in five | 0.2 ratio exact
3 out of 10 firms failed. | 3 out of 10 | 0.3 ratio exact
One in ten voters abstained. | One in ten | 0.1 ratio exact
Two in three experts agree. | Two in three | 0.666667 ratio exact
Smokers are 13 times more likely to die. | 13 | 13 multiple exact
China's economy is 10 times larger than Russia's. | 10 | 10 multiple exact
Prices are three times higher. | three | 3 multiple exact
Output grew 2.5x in a decade. | 2.5x | 2.5 multiple exact
Exports doubled. | doubled | 2 multiple exact
The volume of trade tripled. | tripled | 3 multiple exact
Profits quadrupled in a year. | quadrupled | 4 multiple exact
The deficit halved. | halved | 0.5 multiple exact
A fifth of exports go to China. | A fifth | 0.2 ratio exact
Two-thirds of voters agreed. | Two-thirds | 0.666667 ratio exact
A quarter of the budget went to defence. | A quarter | 0.25 ratio exact
Three-quarters of the staff left. | Three-quarters | 0.75 ratio exact
A third of the fleet is idle. | A third | 0.333333 ratio exact
A tenth of the land is arable. | A tenth | 0.1 ratio exact
Half of the voters stayed home. | Half | 0.5 ratio exact
Two fifths of firms cut jobs. | Two fifths | 0.4 ratio exact
Between 10 and 15% of staff left. | Between 10 and 15% | - percent exact 10 15
From 20 to 30 percent of homes flooded. | From 20 to 30 percent | - percent exact 20 30
Between $10 billion and $20 billion was spent. | Between $10 billion and $20 billion | - USD exact 10000000000 20000000000
Growth of 2-3% is expected. | 2-3% | - percent exact 2 3
It will cost €5–7bn. | €5–7bn | - EUR exact 5000000000 7000000000
The 7.2- and 8-magnitude quakes hit. | 7.2- and 8 | - count exact 7.2 8
Between 1790 and 2010 the population grew. | Between 1790 and 2010 | - year exact 1790 2010 1790/2010
From 1917 to 1939 the Soviet Union grew. | From 1917 to 1939 | - year exact 1917 1939 1917/1939
Between 300 and 400 troops died. | Between 300 and 400 troops | - people exact 300 400
Between five and ten ships sank. | Between five and ten ships | - count exact 5 10
In 1969 they clashed. | 1969 | 1969 year exact 1969
Since 2013 the leaders have met often. | 2013 | 2013 year exact 2013/
By 2049 China wants to be rich. | 2049 | 2049 year exact 2049
Until 2024 trade was small. | 2024 | 2024 year exact /2024
Trade was $3.5 billion as of 2024. | 2024 | 2024 year exact - - as of 2024
The war began in 1914. | 1914 | 1914 year exact 1914
Troops left in 1979. | 1979 | 1979 year exact 1979
In the late 1980s the Soviet Union collapsed. | the late 1980s | - year exact 1985 1989 late 1980s
In the 1970s relations improved. | the 1970s | - year exact 1970 1979 1970s
By the late 1960s they drifted apart. | the late 1960s | - year exact 1965 1969 late 1960s
In the early 1990s prices rose. | the early 1990s | - year exact 1990 1994 early 1990s
In the mid-1980s a reform began. | the mid-1980s | - year exact 1984 1986 mid-1980s
The 1990s were hard. | The 1990s | - year exact 1990 1999 1990s
Since the late 1950s they had been enemies. | the late 1950s | - year exact 1955 1959 late 1950s
On May 9, 2022 a parade took place. | May 9, 2022 | 2022 year exact 2022-05-09
In February 1989 troops left. | February 1989 | 1989 year exact 1989-02
It was published on 8 May 2025. | 8 May 2025 | 2025 year exact 2025-05-08
In the spring of 2025 agreements were reached. | 2025 | 2025 year exact 2025
The statement came on May 8, 2025 in Moscow. | May 8, 2025 | 2025 year exact 2025-05-08
In March 2020 the lockdown began. | March 2020 | 2020 year exact 2020-03
In 1996 they agreed to build 200 Su-27s. | 200 | 200 count exact - - 1996
In 2023 only 11 percent of experts agreed. | 11 percent | 11 percent exact - - 2023
Since 2013 they have met over 42 times. | over 42 | 42 count over - - 2013/
It marks the 77th anniversary. | 77th anniversary | 77 count exact
The 3rd largest economy. | 3rd largest | 3 count exact
It is the 21st century. | 21st century | 21 count exact
Prices rose by about 7 percent in 2022. | about 7 percent | 7 percent approximately - - 2022
Exactly 100 people came. | Exactly 100 people | 100 people exact
Circa 400 soldiers fought. | Circa 400 soldiers | 400 people approximately
Under 5 percent voted. | Under 5 percent | 5 percent under
Above 50% support it. | Above 50% | 50 percent over
Below 3% of homes. | Below 3% | 3 percent under
No more than 20 tanks. | No more than 20 tanks | 20 count under
Close to 2 million people. | Close to 2 million people | 2000000 people approximately
Almost 90 percent agreed. | Almost 90 percent | 90 percent approximately
About 4.2 billion people. | About 4.2 billion people | 4200000000 people approximately
Russia holds 1.5 thousand warheads. | 1.5 thousand | 1500 count exact
In February 1989 troops left, and in May of the same year the leaders met. | May of the same year | 1989 year exact 1989-05
The war began in 1914; the following year it spread. | the following year | 1915 year exact 1915
It opened in 2010 and closed a year later. | a year later | 2011 year exact 2011
They signed in 2001, having talked the previous year. | the previous year | 2000 year exact 2000
Elections came in 2019 and later that year a crisis. | later that year | 2019 year exact 2019
The United States has not had any obligations to Taiwan since 1979. | not had any obligations | 0 count exact - - 1979/
Not a single soldier was hurt. | Not a single soldier | 0 count exact
They have never received any payments. | never received any payments | 0 count exact
Not one minister resigned. | Not one minister | 0 count exact
The deal is worth $3 tn. | $3 tn | 3000000000000 USD exact
GDP is 2 trillion dollars. | 2 trillion dollars | 2000000000000 USD exact
"""


def _rows() -> list[tuple[str, str, list[str]]]:
    rows = []
    for line in PHRASINGS.strip().splitlines():
        sentence, span, expected = (part.strip() for part in line.split(" | "))
        rows.append((sentence, span, expected.split()))
    return rows


ROWS = _rows()


def _amount(text: str) -> Decimal | None:
    return None if text == "-" else Decimal(text)


def test_the_table_has_at_least_150_phrasings():
    assert len(ROWS) >= 150


@pytest.mark.parametrize(("sentence", "span", "expected"), ROWS, ids=[row[0] for row in ROWS])
def test_phrasing_gives_its_structured_figure(sentence, span, expected):
    candidates = find_candidates(sentence)
    by_text = {candidate.text: candidate for candidate in candidates}
    assert span in by_text, f"{span!r} not found; found {sorted(by_text)}"
    candidate = by_text[span]
    assert sentence[candidate.start : candidate.end] == span
    value, unit, qualifier, *rest = expected
    if len(rest) == 1:  # a figure and its period
        lower, upper, period = "-", "-", rest[0]
    else:
        lower, upper, period = (rest + ["-", "-"])[0], (rest + ["-", "-"])[1], " ".join(rest[2:]) or None
    assert (candidate.value, candidate.unit, candidate.qualifier) == (_amount(value), unit, qualifier)
    assert (candidate.lower, candidate.upper) == (_amount(lower), _amount(upper))
    if period is not None:
        assert candidate.period == period
