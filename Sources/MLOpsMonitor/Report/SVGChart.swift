import Foundation

/// Drawing primitives shared by the report's inline SVG charts. Colors and fonts come from the page's stylesheet
/// through classes (`ref`, `cur`, `grid`, `axis`…), which keeps each chart small and the palette in one place.
enum SVGChart {
    /// The width of every chart's view box; the page scales charts to their card, so this only sets proportions.
    static let width = 360.0
    /// The reference and current series' names, as the legends show them.
    static let referenceName = "Reference"
    static let currentName = "Current"

    /// A coordinate to at most one decimal: enough for a chart that is never drawn wider than a few hundred
    /// pixels, and a fraction of the characters of a full `Double`.
    static func coordinate(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    /// The opening tag of a chart of `height` view-box units, with `attributes` (already escaped) added.
    static func open(height: Double, attributes: String, label: String) -> String {
        "<svg \(attributes) viewBox=\"0 0 \(coordinate(width)) \(coordinate(height))\" role=\"img\" "
            + "aria-label=\"\(HTMLText.escape(label))\">"
    }

    /// A rectangle of class `kind`; nothing when it has no area.
    static func rect(_ kind: String, x: Double, y: Double, width: Double, height: Double) -> String {
        guard width > 0, height > 0 else { return "" }
        return "<rect class=\"\(kind)\" x=\"\(coordinate(x))\" y=\"\(coordinate(y))\" width=\"\(coordinate(width))\" "
            + "height=\"\(coordinate(height))\"/>"
    }

    /// A line of class `kind`.
    static func line(_ kind: String, from start: (x: Double, y: Double), to end: (x: Double, y: Double)) -> String {
        "<line class=\"\(kind)\" x1=\"\(coordinate(start.x))\" y1=\"\(coordinate(start.y))\" "
            + "x2=\"\(coordinate(end.x))\" y2=\"\(coordinate(end.y))\"/>"
    }

    /// Text of class `kind` at a point; `anchor` is `start`, `middle` or `end`. `text` is escaped here.
    static func text(_ text: String, kind: String, x: Double, y: Double, anchor: String = "start") -> String {
        let anchorAttribute = anchor == "start" ? "" : " text-anchor=\"\(anchor)\""
        return "<text class=\"\(kind)\" x=\"\(coordinate(x))\" y=\"\(coordinate(y))\"\(anchorAttribute)>"
            + HTMLText.escape(text) + "</text>"
    }

    /// A tooltip for the enclosing element; `text` is escaped here.
    static func title(_ text: String) -> String { "<title>" + HTMLText.escape(text) + "</title>" }

    /// The reference/current legend, right-aligned on the chart's top line; `outlinedCurrent` draws the current
    /// series' swatch as an outline, for charts that draw it as one.
    static func legend(y: Double = 12, outlinedCurrent: Bool = false) -> String {
        let right = width - 4
        let currentX = right - 46
        let referenceX = currentX - 78
        return "<g class=\"legend\">"
            + rect("ref", x: referenceX, y: y - 8, width: 10, height: 10)
            + text(referenceName, kind: "label", x: referenceX + 14, y: y + 1)
            + rect(outlinedCurrent ? "cur-line" : "cur", x: currentX, y: y - 8, width: 10, height: 10)
            + text(currentName, kind: "label", x: currentX + 14, y: y + 1)
            + "</g>"
    }

    /// The smallest "round" share (1%, 2%, 5%, 10%, 20%, 25%, 50%…, 100%) at or above `share`, for an axis top
    /// that leaves the tallest bar most of the height and has readable gridline labels.
    static func niceShareMaximum(_ share: Double) -> Double {
        let steps = [0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0]
        guard share.isFinite, share > 0 else { return 0.1 }
        return steps.first { $0 >= share - 1e-12 } ?? (share * 1.1)
    }

    /// A share in [0, 1] from a plotted value: NaN and negatives as 0, so a broken input draws an empty bar
    /// rather than one that leaves the chart.
    static func share(_ value: Double) -> Double {
        guard value.isFinite, value > 0 else { return 0 }
        return value
    }
}
