"""`manage.py intake PATH`: the ranked candidates of an article with the desk's claims they match."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from claims.models import Claim
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def test_lists_the_ranked_candidates_with_their_matches_and_writes_nothing(tmp_path):
    claim = ClaimFactory(subject="Russia–China trade", value=Decimal("245000000000"), period="2024")
    article = tmp_path / "article.txt"
    article.write_text("In 1969 they clashed. Russia-China trade reached approximately $245 billion in 2024.")
    out = StringIO()
    call_command("intake", str(article), "--dry-run", stdout=out)
    text = out.getvalue()
    assert "3 candidates" in text
    lines = [line for line in text.splitlines() if line[:5].strip().rstrip(".").isdigit()]
    assert "“approximately $245 billion”" in lines[0] and "≈ $245 bn, 2024, Current value" in lines[0]
    assert f"match: checked before: claim #{claim.pk} (Russia–China trade), unverified" in text
    assert "why: an amount of money; names an actor" in text
    assert Claim.objects.count() == 1


def test_a_missing_or_binary_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("intake", str(tmp_path / "missing.txt"))
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(CommandError, match="not UTF-8 text"):
        call_command("intake", str(binary))
