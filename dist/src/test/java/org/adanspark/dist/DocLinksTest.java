package org.adanspark.dist;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every link between the README and {@code docs/*.md} goes somewhere: the file exists (relative to the page, as
 * GitHub resolves it) and, for {@code page.md#section}, the page has a heading of that anchor, as GitHub makes
 * anchors (lower case, punctuation dropped, spaces to hyphens, {@code -1}, {@code -2} for repeats).
 */
class DocLinksTest {

    /** {@code [text](target)}, not an image; the target without a title. */
    private static final Pattern LINK = Pattern.compile("(?<!!)\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern FENCE = Pattern.compile("^\\s*```.*");

    @Test
    void everyIntraDocLinkAndAnchorResolves() throws IOException {
        Map<Path, Set<String>> anchors = new HashMap<>();
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Build.ProseLine line : Build.docProse()) {
            Matcher m = LINK.matcher(line.text().replaceAll("`[^`]*`", "``"));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*") || target.startsWith("//")) {
                    continue; // https:, mailto:: outside the repository
                }
                checked++;
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path page = line.page();
                Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                String where = line.place() + " → " + target;
                if (!Files.exists(resolved)) {
                    broken.add(where + ": no such file");
                } else if (hash >= 0 && resolved.toString().endsWith(".md")) {
                    Set<String> known = anchors.computeIfAbsent(resolved, DocLinksTest::anchorsOf);
                    if (!known.contains(target.substring(hash + 1))) {
                        broken.add(where + ": " + Build.ROOT.relativize(resolved) + " has no heading of that anchor");
                    }
                }
            }
        }
        assertTrue(checked > 50, "only " + checked + " links found: the pattern no longer matches the docs");
        assertTrue(broken.isEmpty(), broken.size() + " broken links:\n  " + String.join("\n  ", broken));
    }

    /** @return the anchors GitHub gives a page's headings */
    private static Set<String> anchorsOf(Path page) {
        List<String> lines;
        try {
            lines = Files.readAllLines(page);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean code = false;
        for (String line : lines) {
            if (FENCE.matcher(line).matches()) {
                code = !code;
                continue;
            }
            Matcher h = HEADING.matcher(line);
            if (code || !h.matches()) {
                continue;
            }
            String slug = slug(h.group(2));
            int n = seen.merge(slug, 1, Integer::sum) - 1;
            anchors.add(n == 0 ? slug : slug + "-" + n);
        }
        return anchors;
    }

    /** GitHub's heading anchor: markup and punctuation dropped, lower case, each space a hyphen. */
    static String slug(String heading) {
        String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1") // a link's text
                .replace("`", "").replace("*", "").replace("_", "\u0000"); // underscores are kept
        text = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}\\u0000 -]", "");
        return text.replace(' ', '-').replace('\u0000', '_');
    }
}
