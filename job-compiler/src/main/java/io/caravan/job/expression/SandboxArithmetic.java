package io.caravan.job.expression;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.commons.jexl3.JexlArithmetic;

/**
 * JEXL's operators with bounds: {@code +} builds at most the text limit, a value placed in text
 * is written as {@link Texts} writes it (JSON, bounded), and {@code =~ / !~} match regular
 * expressions and search collections under the evaluation's {@link Deadline}.
 */
final class SandboxArithmetic extends JexlArithmetic {

    SandboxArithmetic(boolean strict, MathContext math, int scale) {
        super(strict, math, scale);
    }

    @Override
    protected JexlArithmetic createWithOptions(boolean strict, MathContext math, int scale) {
        return new SandboxArithmetic(strict, math, scale);
    }

    @Override
    public Object add(Object left, Object right) {
        if ((left instanceof String || right instanceof String) && left != null && right != null) {
            String l = toString(left);
            String r = toString(right);
            TextLimit.check((long) l.length() + r.length());
            return l.concat(r);
        }
        return super.add(left, right);
    }

    @Override
    public String toString(Object value) {
        if (value instanceof Map<?, ?> || value instanceof Collection<?> || value instanceof BigDecimal
                || value != null && value.getClass().isArray()) {
            return Texts.of(value);
        }
        return super.toString(value);
    }

    /** {@code value =~ container}: a regex match, a key of a map, an element (or all elements) of a collection. */
    @Override
    public Boolean contains(Object container, Object value) {
        if (container == null || value == null) {
            return super.contains(container, value);
        }
        if (container instanceof Pattern pattern) {
            return pattern.matcher(Deadline.watched(toString(value))).matches();
        }
        if (container instanceof CharSequence regex) {
            return Pattern.compile(regex.toString()).matcher(Deadline.watched(toString(value))).matches();
        }
        Collection<?> in = asCollection(container);
        Collection<?> all = asCollection(value);
        if (in != null && all != null) {
            // each contains may walk the whole container: tick per element so the product stays in time
            for (Object element : all) {
                Deadline.tick();
                if (!in.contains(element)) {
                    return false;
                }
            }
            return true;
        }
        return super.contains(container, value);
    }

    /** A collection, or an array (JEXL's {@code [1, 2]}) as a list; null for anything else. */
    private static Collection<?> asCollection(Object value) {
        if (value instanceof Collection<?> collection) {
            return collection;
        }
        if (!value.getClass().isArray()) {
            return null;
        }
        return Texts.elements(value);
    }
}
