import WorkflowCore

/// The prompt over the dashboard while the run waits on a person: the oldest request (a tool call and its
/// pretty-printed arguments, or a question), how many more wait, and the keys that answer it.
enum RequestPromptView {
    /// The header's badge: "⏸ 1 approval · 2 questions".
    static func badge(_ requests: PendingRequests) -> String {
        let approvals = requests.queue.filter { if case .approval = $0 { return true } else { return false } }.count
        let questions = requests.queue.count - approvals
        var parts: [String] = []
        if approvals > 0 { parts.append("\(approvals) approval" + (approvals == 1 ? "" : "s")) }
        if questions > 0 { parts.append("\(questions) question" + (questions == 1 ? "" : "s")) }
        let hint = !requests.answerable ? " (answer where the run lives)" : requests.hidden ? " (a answers)" : ""
        return "⏸ " + parts.joined(separator: " · ") + hint
    }

    /// The body: what is asked, scrollable.
    static func bodyLines(_ request: HumanRequest, width: Int) -> [(text: String, style: StyleRole)] {
        var lines: [(String, StyleRole)] = []
        func wrapped(_ text: String, _ style: StyleRole) {
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                for row in TextWrap.rows(String(line), width: width) { lines.append((String(row), style)) }
            }
        }
        switch request {
        case let .approval(approval):
            wrapped("\(approval.agent) wants to call \(approval.tool)", .overlayTitle)
            lines.append(("call id \(approval.callId) · request \(approval.requestId)", .dim))
            lines.append(("", .overlay))
            lines.append(("Arguments", .overlayTitle))
            wrapped(JSONDisplay.pretty(approval.arguments), .overlay)
        case let .input(input):
            wrapped("\(input.agent) asks", .overlayTitle)
            lines.append(("request \(input.requestId)", .dim))
            lines.append(("", .overlay))
            wrapped(input.question, .overlay)
        }
        return lines
    }

    static func draw(_ state: DashboardState, into grid: inout CellGrid) {
        let requests = state.requests
        guard let request = requests.current else { return }
        let width = max(24, min(grid.width - 4, 90))
        let inner = width - 4
        var body = bodyLines(request, width: inner)
        if let refusal = requests.refusal {
            // The last answer was not taken: why, above what is asked again.
            let rows = TextWrap.rows("✘ " + refusal, width: inner).map { (text: String($0), style: StyleRole.toolError) }
            body = rows + [("", .overlay)] + body
        }
        let answer = answerLines(requests, request, width: inner)
        let height = min(max(6, grid.height - 4), body.count + answer.count + 3)
        let rect = Rect(x: (grid.width - width) / 2, y: max(1, (grid.height - height) / 2), width: width, height: height)
        grid.fill(x: rect.x, y: rect.y, width: rect.width, height: rect.height, style: .overlay)
        DashboardView.box(rect, style: .overlayBorder, into: &grid)
        let kind = if case .approval = request { "Approval" } else { "Question" }
        let position = requests.queue.count > 1 ? " · 1 of \(requests.queue.count)" : ""
        grid.put(" \(kind)\(position) ", x: rect.x + 2, y: rect.y, style: .overlayTitle)

        // The answer area keeps its rows at the bottom; the body scrolls in what is left above it.
        let bodyRows = max(1, rect.height - 3 - answer.count)
        let start = min(max(0, requests.scroll), max(0, body.count - bodyRows))
        for (row, line) in body.dropFirst(start).prefix(bodyRows).enumerated() {
            grid.put(line.text, x: rect.x + 2, y: rect.y + 1 + row, style: line.style, maxWidth: inner)
        }
        if body.count > bodyRows {
            let more = " \(start + bodyRows < body.count ? "↓" : " ")\(start > 0 ? "↑" : " ") "
            grid.put(more, x: rect.x + rect.width - 6, y: rect.y + 1, style: .dim)
        }
        let answerTop = rect.y + rect.height - 1 - answer.count
        for (row, line) in answer.enumerated() {
            grid.put(line.text, x: rect.x + 2, y: answerTop + row, style: line.style, maxWidth: inner)
        }
        grid.put(" \(keys(requests)) ", x: rect.x + 2, y: rect.y + rect.height - 1, style: .overlayBorder, maxWidth: inner)
    }

    /// The rows below the body: the line being typed (with the cursor's column) or the choices.
    static func answerLines(
        _ requests: PendingRequests, _ request: HumanRequest, width: Int
    ) -> [(text: String, style: StyleRole)] {
        switch requests.prompt {
        case .deciding:
            return []
        case let .rejecting(editor):
            return [("Reason (optional):", .overlayTitle), editorLine(editor, prefix: "> ", width: width)]
        case let .answering(editor):
            return [("Your answer:", .overlayTitle), editorLine(editor, prefix: "> ", width: width)]
        case let .picking(selected):
            guard case let .input(input) = request else { return [] }
            return input.choices.enumerated().map { index, choice -> (text: String, style: StyleRole) in
                index == selected
                    ? ("▸ \(index + 1) \(choice)", .timelineSelected) : ("  \(index + 1) \(choice)", .overlay)
            }
        }
    }

    /// The editor's text with the cursor drawn as `▏` (as the search line does), scrolled so it stays in view.
    static func editorLine(_ editor: LineEditor, prefix: String, width: Int) -> (text: String, style: StyleRole) {
        let room = max(1, width - DisplayWidth.of(prefix) - 1)
        let first = max(0, editor.cursor - room)
        let before = String(editor.characters[first..<editor.cursor])
        let after = String(editor.characters[editor.cursor..<min(editor.characters.count, max(editor.cursor, first + room))])
        return (prefix + before + "▏" + after, .overlay)
    }

    static func keys(_ requests: PendingRequests) -> String {
        switch requests.prompt {
        case .deciding: return "y approve · n reject · ↑↓ scroll · Esc later"
        case .rejecting: return "Enter rejects · Esc back"
        case .answering: return "Enter sends · Esc later"
        case .picking: return "↑↓ choose · Enter sends · Esc later"
        }
    }
}
