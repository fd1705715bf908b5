import Dashboard
import Testing
import WorkflowCore

/// The spans a completed line renders as (a line that needs no styling is its own text, plain).
private func spans(_ line: String) -> [MarkdownLine.Span] {
    var blocks = MarkdownBlockState()
    return blocks.parse(line)?.spans ?? [.init(line, .plain)]
}

/// One agent that wrote `deltas`, the turn still running unless `completed`.
private func paneState(_ deltas: [String], width: Int = 40, height: Int = 14, completed: Bool = false, kind: PaneLine.Kind = .text) -> DashboardState {
    var events = [event(1, .runStarted(.init(runId: "r", workflow: "w", participants: ["Writer"], model: nil)))]
    events.append(event(2, .agentStarted(agent: "Writer")))
    for delta in deltas {
        let kind: WorkflowEvent.Kind = kind == .reasoning
            ? .reasoningDelta(agent: "Writer", messageId: "m", text: delta)
            : .textDelta(agent: "Writer", messageId: "m", text: delta)
        events.append(event(events.count + 1, kind))
    }
    if completed { events.append(event(events.count + 1, .agentCompleted(agent: "Writer", usage: nil))) }
    return state(width: width, height: height, events: events)
}

/// The pane's rows as text, inside its border, trailing spaces trimmed, blank rows after the text dropped.
private func paneRows(_ state: DashboardState) -> [String] {
    let lines = DashboardView.render(state).lines
    guard let top = lines.firstIndex(where: { $0.hasPrefix("┌") }), let bottom = lines.firstIndex(where: { $0.hasPrefix("└") }) else { return [] }
    var rows = lines[(top + 1)..<bottom].map { line -> String in
        var inner = Substring(line).dropFirst().dropLast()
        while inner.last == " " { inner = inner.dropLast() }
        return String(inner)
    }
    while rows.last == "" { rows.removeLast() }
    return rows
}

/// The style of the first cell showing `text` on the screen.
private func role(of text: String, in state: DashboardState) -> StyleRole? {
    let grid = DashboardView.render(state)
    for (y, line) in grid.lines.enumerated() {
        guard let range = line.range(of: text) else { continue }
        return grid[DisplayWidth.of(line[..<range.lowerBound]), y].style
    }
    return nil
}

@Suite("Markdown: inline spans")
struct MarkdownInlineTests {
    @Test func boldItalicAndCodeLoseTheirMarkers() {
        #expect(spans("a **b** *c* _d_ `e`") == [
            .init("a ", .plain), .init("b", .bold), .init(" ", .plain), .init("c", .italic), .init(" ", .plain),
            .init("d", .italic), .init(" ", .plain), .init("e", .code),
        ])
    }

    @Test func anUnmatchedDoubleStarStaysLiteral() {
        #expect(spans("a **b c") == [.init("a **b c", .plain)])
        #expect(spans("**open and *closed*") == [.init("**open and ", .plain), .init("closed", .italic)])
    }

    @Test func underscoresInsideWordsStayLiteral() {
        #expect(spans("call snake_case_name and __init__ now") == [.init("call snake_case_name and ", .plain), .init("init", .bold), .init(" now", .plain)])
        #expect(spans("file_name_v2.txt") == [.init("file_name_v2.txt", .plain)])
    }

    @Test func starsInsideCodeSpansAreLiteral() {
        #expect(spans("`a ** b` and **bold**") == [.init("a ** b", .code), .init(" and ", .plain), .init("bold", .bold)])
        #expect(spans("``x ` y``") == [.init("x ` y", .code)])
    }

    @Test func nestedEmphasisCombines() {
        #expect(spans("***both*** then **bold *and italic* inside**") == [
            .init("both", .boldItalic), .init(" then ", .plain), .init("bold ", .bold), .init("and italic", .boldItalic),
            .init(" inside", .bold),
        ])
    }

    @Test func spacedStarsAndEscapesAreText() {
        #expect(spans("2 * 3 * 4 = 24") == [.init("2 * 3 * 4 = 24", .plain)])
        #expect(spans(#"\*not italic\* and \`tick\`"#) == [.init("*not italic* and `tick`", .plain)])
    }

    @Test func linksShowTheirTextThenTheURL() {
        #expect(spans("see [the **docs**](https://x.example/a_b \"Title\") or <https://z.example/q_r_s>") == [
            .init("see ", .plain), .init("the docs", .link), .init(" (https://x.example/a_b)", .linkURL), .init(" or ", .plain),
            .init("https://z.example/q_r_s", .link),
        ])
        #expect(spans("[not a link] (x)") == [.init("[not a link] (x)", .plain)])
    }
}

@Suite("Markdown: blocks in a pane")
struct MarkdownBlockTests {
    @Test func headingsDropTheirMarksAndAreStyled() {
        let shown = paneState(["# Weather report #\n", "### At *a* glance\n", "#hashtag stays\n"])
        #expect(paneRows(shown) == ["Weather report", "At a glance", "#hashtag stays"])
        #expect(role(of: "Weather report", in: shown) == .markdownHeading)
        #expect(role(of: "At a glance", in: shown) == .markdownHeading)
    }

    @Test func listItemsHangTheirWrappedRowsUnderTheText() {
        let shown = paneState([
            "- one two three four five six seven eight nine ten\n", "  - nested item\n",
            "10. first numbered item with a long tail end\n", "- [x] done task\n",
        ])
        #expect(paneRows(shown) == [
            "• one two three four five six seven",
            "  eight nine ten",
            "  ◦ nested item",
            "10. first numbered item with a long",
            "    tail end",
            "• ☑ done task",
        ])
        #expect(role(of: "•", in: shown) == .markdownListMarker)
    }

    @Test func quotesShowABarOnEveryRow() {
        let shown = paneState(["> a quoted **line** that wraps once it is past here\n", "> > deeper\n"])
        #expect(paneRows(shown) == ["│ a quoted line that wraps once it is", "│ past here", "│ │ deeper"])
        #expect(role(of: "a quoted", in: shown) == .markdownQuote)
        #expect(role(of: "line", in: shown) == .markdownBold)
    }

    @Test func fencedCodeIsNotWrappedButCutAtTheEdgeAndMarked() {
        let shown = paneState(["```swift\n", "let x = 1 // a long comment that runs past the pane edge\n", "  *not* emphasis\n", "```\n", "after\n"])
        #expect(paneRows(shown) == ["swift", "let x = 1 // a long comment that runs→", "  *not* emphasis", "", "after"])
        #expect(role(of: "let x", in: shown) == .markdownCodeBlock)
        // The block's rows are filled to the pane's edge with its style.
        let grid = DashboardView.render(shown)
        #expect(grid[37, 5].style == .markdownCodeBlock)
        #expect(role(of: "after", in: shown) == .agentText)
    }

    @Test func tildeFencesAndLongerClosingFencesWork() {
        let shown = paneState(["~~~\n", "```\n", "still code\n", "~~~~\n", "**text**\n"])
        #expect(paneRows(shown) == ["", "```", "still code", "", "text"])
        #expect(role(of: "still code", in: shown) == .markdownCodeBlock)
        #expect(role(of: "text", in: shown) == .markdownBold)
    }

    @Test func rulesFillThePaneWidth() {
        let shown = paneState(["above\n", "---\n", "* * *\n", "below\n"])
        let rule = String(repeating: "─", count: 38)
        #expect(paneRows(shown) == ["above", rule, rule, "below"])
        #expect(DashboardView.render(shown)[1, 3].style == .markdownRule)
    }

    @Test func wrappingKeepsTheStyleOfARunOnTheNextRow() {
        let shown = paneState(["plain **bold words that wrap across the row end** tail\n"])
        #expect(paneRows(shown) == ["plain bold words that wrap across the", "row end tail"])
        #expect(role(of: "row end", in: shown) == .markdownBold)
        #expect(role(of: "tail", in: shown) == .agentText)
    }

    @Test func wideCharactersWrapByDisplayWidthInStyledText() {
        let shown = paneState(["**西雅图的天气很好今天下午有小雨** 晚上 `代码`\n"])
        #expect(paneRows(shown) == ["西雅图的天气很好今天下午有小雨 晚上", "代码"])
        #expect(role(of: "西雅图", in: shown) == .markdownBold)
        #expect(role(of: "代码", in: shown) == .markdownCode)
        for line in DashboardView.render(shown).lines { #expect(DisplayWidth.of(line) == 40) }
    }

    @Test func reasoningDropsMarkersButKeepsItsOwnStyle() {
        let shown = paneState(["Thinking about **bold** and `code`\n"], kind: .reasoning)
        #expect(paneRows(shown) == ["Thinking about bold and code"])
        #expect(role(of: "bold", in: shown) == .reasoningText)
    }
}

@Suite("Markdown: streaming, raw text, search, transcript")
struct MarkdownStreamingTests {
    @Test func aLineStreamedInTwoHalvesShowsRawThenRendered() {
        let half = paneState(["Hello **Sea"])
        #expect(paneRows(half) == ["Hello **Sea"])
        let whole = paneState(["Hello **Sea", "ttle** today\n"])
        #expect(paneRows(whole) == ["Hello Seattle today"])
        #expect(role(of: "Seattle", in: whole) == .markdownBold)
    }

    @Test func theLastLineIsRenderedWhenTheTurnEnds() {
        #expect(paneRows(paneState(["**done**"])) == ["**done**"])
        #expect(paneRows(paneState(["**done**"], completed: true)) == ["done"])
    }

    @Test func aFenceOpenedInOneDeltaCarriesToTheLinesOfLaterDeltas() {
        let shown = paneState(["intro\n``", "`py\nx = a", " * b\n"])
        #expect(paneRows(shown) == ["intro", "py", "x = a * b"])
        #expect(role(of: "x = a", in: shown) == .markdownCodeBlock)
    }

    @Test func aNewResponseStartsOutsideAnyCodeBlock() {
        var events = [event(1, .runStarted(.init(runId: "r", workflow: "w", participants: ["Writer"], model: nil)))]
        events.append(event(2, .textDelta(agent: "Writer", messageId: "m1", text: "```\nunclosed\n")))
        events.append(event(3, .textDelta(agent: "Writer", messageId: "m2", text: "**next**\n")))
        let shown = state(width: 40, height: 12, events: events)
        #expect(paneRows(shown) == ["", "unclosed", "", "next"])
    }

    @Test func rTogglesTheTextExactlyAsStreamed() {
        var shown = paneState(["## Title\n", "- **Seattle** is `wet`\n"])
        #expect(paneRows(shown) == ["Title", "• Seattle is wet"])
        _ = shown.handle(.character("r"))
        #expect(shown.showRawText)
        #expect(paneRows(shown) == ["## Title", "- **Seattle** is `wet`"])
        #expect(role(of: "## Title", in: shown) == .agentText)
        _ = shown.handle(.character("r"))
        #expect(paneRows(shown) == ["Title", "• Seattle is wet"])
    }

    @Test func searchFindsTextInsideBoldAndHighlightsItWhereItIsShown() {
        var shown = paneState(["rain in **Seattle** today\n", "sun elsewhere\n"])
        for key in "/Seattle" { _ = shown.handle(.character(key)) }
        _ = shown.handle(.enter)
        #expect(shown.search?.matchCount == 1)
        #expect(shown.search?.currentLine == 0)
        #expect(role(of: "Seattle", in: shown) == .searchCurrent)
        #expect(role(of: "rain", in: shown) == .agentText)
    }

    @Test func aMatchOnTheMarkersLightsTheRowThatHoldsIt() {
        var shown = paneState(["rain in **Seattle** today\n", "sun elsewhere\n"])
        for key in "/**Sea" { _ = shown.handle(.character(key)) }
        _ = shown.handle(.enter)
        #expect(shown.search?.matchCount == 1)
        #expect(role(of: "rain in Seattle today", in: shown) == .searchCurrent)
        #expect(role(of: "sun", in: shown) == .agentText)
    }

    @Test func theTranscriptKeepsTheMarkdownAsWritten() {
        let shown = paneState(["# Report\n", "**Seattle** is `wet`\n", "```swift\n", "let x = 1\n", "```\n"], completed: true)
        #expect(Transcript.markdown(shown).contains("# Report\n**Seattle** is `wet`\n```swift\nlet x = 1\n```\n"))
    }

    @Test func theHelpAndFooterListTheRawKey() {
        var shown = paneState(["text\n"], width: 140, height: 30)
        #expect(screen(shown).contains("r raw"))
        _ = shown.handle(.character("?"))
        #expect(screen(shown).contains("raw text as streamed"))
    }

    @Test func themeFilesSetMarkdownRolesWithTheUsualChecks() throws {
        let theme = try ThemeLoader.parse("markdown_code_block: {fg: green, bg: \"#101010\"}\n", file: "t.yaml", name: "t")
        #expect(theme.style(for: .markdownCodeBlock).foreground == Color(parsing: "green"))
        do {
            _ = try ThemeLoader.parse("markdown_heading: {fg: glow}\n", file: "t.yaml", name: "t")
            Issue.record("accepted")
        } catch {
            #expect(error.description.hasPrefix("t.yaml:1: markdown_heading.fg: unknown colour \"glow\""))
        }
        for name in BuiltinThemes.names {
            let yaml = BuiltinThemes.yaml[name] ?? ""
            for role in StyleRole.allCases where role.rawValue.hasPrefix("markdown_") {
                #expect(yaml.contains("\n\(role.rawValue):"), "\(name) lacks \(role.rawValue)")
            }
        }
    }
}
