"""Table cells are built in Python for speed: values stay escaped, figures align right."""

from core.tables import Table


def test_table_rows_escape_labels_and_format_rates():
    table = Table(key="t", title="t", headers=["高校", "人数", "签约率", "备注"])
    table.append(['<script>alert("x")</script>', 12, 0.5, "a & b"], url="/u/?a=1&b=2", rates={2})
    table.append(["无数据", 0, None, ""], rates={2})
    first, second = table.rows_html
    assert first == (
        '<tr><th><a href="/u/?a=1&amp;b=2">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
        '</a></th><td class="num">12</td><td class="num">50.0%</td><td>a &amp; b</td></tr>'
    )
    assert second == (
        '<tr><th>无数据</th><td class="num">0</td><td class="num">—</td><td></td></tr>'
    )
    assert table.header_cells == [
        ("高校", False),
        ("人数", True),
        ("签约率", True),
        ("备注", False),
    ]
