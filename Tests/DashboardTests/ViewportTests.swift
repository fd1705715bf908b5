import Dashboard
import Testing
import WorkflowCore

/// What `DashboardLayout` tells the view and the key handling alike about the panes and the timeline.
@Suite("Pane viewports and the timeline rule")
struct ViewportTests {
    @Test func aPanesTextSitsInsideItsBorder() {
        let layout = DashboardLayout(state: state(width: 60, height: 12, events: LayoutTests.events(agents: 1)))
        #expect(layout.rect(ofPane: 0) == Rect(x: 0, y: 1, width: 60, height: 10))
        #expect(layout.viewport(ofPane: 0) == Rect(x: 1, y: 2, width: 58, height: 8))
        #expect(layout.wrapWidth(ofPane: 0) == 58)
        #expect(layout.viewportHeight(ofPane: 0) == 8)
    }

    @Test func aPageIsAViewportLessOneRow() {
        let layout = DashboardLayout(state: state(width: 60, height: 12, events: LayoutTests.events(agents: 1)))
        #expect(layout.pageSize(ofPane: 0) == 7)
    }

    @Test func aPaneNotShownStillHasAUsableWidthAndHeight() {
        let layout = DashboardLayout(state: state(width: 60, height: 12, events: LayoutTests.events(agents: 1)))
        #expect(layout.viewport(ofPane: 5) == nil)
        #expect(layout.wrapWidth(ofPane: 5) == 1)
        #expect(layout.viewportHeight(ofPane: 5) == 1)
    }

    @Test func theTimelineShowsFromTwentyRows() {
        let short = state(width: 70, height: 19, events: LayoutTests.events(agents: 2))
        let tall = state(width: 70, height: 20, events: LayoutTests.events(agents: 2))
        #expect(!DashboardLayout.timelineFits(short))
        #expect(DashboardLayout(state: short).timeline == nil)
        #expect(DashboardLayout.timelineFits(tall))
        #expect(DashboardLayout(state: tall).timelinePageSize == 2)
    }

    @Test func theTimelineKeepsTheSelectionInViewElseShowsTheNewest() {
        #expect(DashboardLayout.firstTimelineEntry(count: 10, selected: 9, rows: 3) == 7)
        #expect(DashboardLayout.firstTimelineEntry(count: 10, selected: 1, rows: 3) == 0)
        #expect(DashboardLayout.firstTimelineEntry(count: 2, selected: 1, rows: 3) == 0)
    }
}
