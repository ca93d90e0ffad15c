package io.github.cnnmaven.common;

/**
 * Text from users' data (class names, paths, messages) made safe for a Markdown document that a
 * browser renders, such as GitHub's job summary: it reads as the same text and cannot add HTML,
 * emphasis, links or table cells.
 */
public final class Markdown {

    private Markdown() {
    }

    /** Plain text for a paragraph or a table cell: HTML as entities, Markdown's inline syntax escaped, one line. */
    public static String text(String raw) {
        if (raw == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(raw.length() + 8);
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '\r', '\n' -> out.append(' '); // a line break would end a table row
                case '\\', '`', '*', '_', '[', ']', '|', '~', '#', '!' -> out.append('\\').append(c);
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A code span holding {@code raw} verbatim, delimited so that backticks inside cannot end it early. */
    public static String code(String raw) {
        String text = raw.replace('\n', ' ').replace('\r', ' ');
        String fence = text.contains("`") ? "`` " : "`";
        return fence + text + new StringBuilder(fence).reverse();
    }
}
