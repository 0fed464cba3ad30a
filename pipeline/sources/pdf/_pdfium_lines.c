/* The per-line PDFium queries of pdf_backends._pdfium_page, in C (an optional speed-up).
 *
 * pdf_backends reads a page's text, cuts it into lines and asks PDFium, for each line, where
 * its first and last characters are, their font size, font and text object, and the
 * baseline: about nine ctypes calls a line, 150,000 lines for the shared corpus, a sixth of a
 * scan's time. page_lines() does the same cutting and the same queries here, through the
 * function pointers the caller takes from pypdfium2 (so nothing links against PDFium), and
 * makes the same Line objects. Bold faces come from the caller's per-page cache, and from its
 * own query function when the cache has no answer. A line it cannot make exactly as the
 * Python code would (no text position, a failed query, a size it cannot order, a bare hyphen)
 * comes back as (segment, utf16_offset) for the Python code to do. The Python code stays the
 * reference; tests/sources/test_pdf_lines.py checks that both give the same lines.
 *
 * Every float is computed with the operations, in the order, that the Python code uses, and is
 * compiled without fused multiply-adds (-ffp-contract=off in pyproject.toml), so that the
 * results are the same to the last bit.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>

typedef struct {
    float a, b, c, d, e, f;
} fs_matrix;

typedef int (*char_box_fn)(void *, int, double *, double *, double *, double *);
typedef int (*char_origin_fn)(void *, int, double *, double *);
typedef double (*font_size_fn)(void *, int);
typedef int (*matrix_fn)(void *, int, fs_matrix *);
typedef void *(*text_object_fn)(void *, int);
typedef void *(*font_of_fn)(void *);
typedef int (*char_index_fn)(void *, int);

typedef struct {
    void *page;
    int identity;
    char_box_fn char_box;
    char_origin_fn char_origin;
    font_size_fn font_size;
    matrix_fn matrix;
    text_object_fn text_object;
    font_of_fn font_of;
    char_index_fn char_index;
    /* the Python side: the page's cache of bold fonts (font address -> bool), the function
     * that asks PDFium for a character's font when the cache has no answer, the Line class,
     * round(), and the page's left and top edges with the font's ascent and descent */
    PyObject *bold_cache, *query_bold, *line_type, *round_fn, *two;
    double left, top, ascent, descent;
} queries;

static int is_break(Py_UCS4 c) { return c == '\r' || c == '\n' || c == 0xFFFE || c == 0x02; }
static int is_hyphen(Py_UCS4 c) { return c == 0xFFFE || c == 0x02; }

/* The size of character `index` as pdf_backends._PdfiumChars.size computes it. */
static double char_size(const queries *q, int index) {
    fs_matrix m;
    double size = q->font_size(q->page, index);
    if (q->matrix(q->page, index, &m)) {
        double det = (double)m.a * (double)m.d - (double)m.b * (double)m.c;
        size *= pow(fabs(det), 0.5); /* Python's float ** 0.5 is C's pow */
    }
    return size;
}

/* Whether character `index`, set in `font` (NULL: unknown), is bold: the answer of
 * pdf_backends._PdfiumChars.font_bold, kept in the same cache. -1 on an error. */
static int is_bold(const queries *q, int index, void *font) {
    PyObject *key = NULL, *answer;
    int bold;
    if (font != NULL) {
        key = PyLong_FromVoidPtr(font);
        if (key == NULL)
            return -1;
        answer = PyDict_GetItemWithError(q->bold_cache, key); /* borrowed */
        if (answer != NULL) {
            Py_DECREF(key);
            return PyObject_IsTrue(answer);
        }
        if (PyErr_Occurred()) {
            Py_DECREF(key);
            return -1;
        }
    }
    answer = PyObject_CallFunction(q->query_bold, "i", index);
    if (answer == NULL || (key != NULL && PyDict_SetItem(q->bold_cache, key, answer) < 0)) {
        Py_XDECREF(answer);
        Py_XDECREF(key);
        return -1;
    }
    bold = PyObject_IsTrue(answer);
    Py_DECREF(answer);
    Py_XDECREF(key);
    return bold;
}

/* The line of the text [start, end) (code points; `u16` the UTF-16 offset of start, `hyphen`
 * whether the segment ended with PDFium's hyphen mark), or NULL with *slow set when only the
 * Python code can do it exactly. */
static PyObject *line(const queries *q, PyObject *text, int kind, const void *data,
                      Py_ssize_t start, Py_ssize_t end, Py_ssize_t u16, int hyphen, int *slow) {
    Py_ssize_t a = start, b = end, k;
    Py_ssize_t first, last;
    int i, j, need_j;
    double left, right, bottom, top, ignored, x, y, size, size_j, mid;
    void *object_i, *object_j;
    PyObject *words, *result;
    int bold;

    while (a < b && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, a)))
        a++;
    while (b > a && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, b - 1)))
        b--;
    if (a == b) {
        /* nothing but spaces: no line, or (with the hyphen mark) a bare "-" placed by Python */
        *slow = hyphen ? 1 : 2;
        return NULL;
    }
    first = u16;
    for (k = start; k < a; k++)
        first += PyUnicode_READ(kind, data, k) > 0xFFFF ? 2 : 1;
    last = first - 1;
    for (k = a; k < b; k++)
        last += PyUnicode_READ(kind, data, k) > 0xFFFF ? 2 : 1;
    if (last > INT_MAX) {
        *slow = 1;
        return NULL;
    }
    i = q->identity ? (int)first : q->char_index(q->page, (int)first);
    j = q->identity ? (int)last : q->char_index(q->page, (int)last);
    if (i < 0 || j < 0 || !q->char_box(q->page, i, &left, &ignored, &bottom, &top) ||
        !q->char_box(q->page, j, &ignored, &right, &bottom, &top)) {
        *slow = 1;
        return NULL;
    }
    object_i = q->text_object(q->page, i);
    object_j = j == i ? object_i : q->text_object(q->page, j);
    /* as in Python: the last character is asked again only when another object drew it */
    need_j = object_j != object_i || object_i == NULL;
    size = char_size(q, i);
    if (need_j) {
        size_j = char_size(q, j);
        if (size != size_j) {
            mid = char_size(q, (int)(((long long)i + j) / 2));
            /* Python takes sorted(...)[1]; with a NaN or a zero (0.0 and -0.0 tie) the order
             * it leaves is its own, so such a line goes back to it. */
            if (isnan(size) || isnan(size_j) || isnan(mid) || size == 0 || size_j == 0 ||
                mid == 0) {
                *slow = 1;
                return NULL;
            }
            if ((size <= size_j && size_j <= mid) || (mid <= size_j && size_j <= size))
                size = size_j;
            else if ((size <= mid && mid <= size_j) || (size_j <= mid && mid <= size))
                size = mid;
        }
    }
    y = 0.0;
    if (!q->char_origin(q->page, i, &x, &y))
        y = 0.0; /* as pdf_backends reads a failed query */

    words = PyUnicode_Substring(text, a, b);
    if (words == NULL)
        return NULL;
    if (hyphen) {
        PyObject *joined = PyUnicode_FromFormat("%U-", words);
        Py_DECREF(words);
        if (joined == NULL)
            return NULL;
        words = joined;
    }
    bold = is_bold(q, i, object_i == NULL ? NULL : q->font_of(object_i));
    if (bold > 0 && need_j)
        bold = is_bold(q, j, object_j == NULL ? NULL : q->font_of(object_j));
    if (bold < 0) {
        Py_DECREF(words);
        return NULL;
    }
    {
        /* Line(text, x0, x1, top, bottom, round(size, 2), bold), computed as Python does */
        PyObject *size_obj = PyFloat_FromDouble(size), *rounded = NULL, *fields[7] = {NULL};
        int f;
        if (size_obj != NULL) {
            PyObject *round_args[2] = {size_obj, q->two};
            rounded = PyObject_Vectorcall(q->round_fn, round_args, 2, NULL);
            Py_DECREF(size_obj);
        }
        fields[0] = words;
        fields[1] = PyFloat_FromDouble(left - q->left);
        fields[2] = PyFloat_FromDouble(right - q->left);
        fields[3] = PyFloat_FromDouble(q->top - y - q->ascent * size);
        fields[4] = PyFloat_FromDouble(q->top - y + q->descent * size);
        fields[5] = rounded;
        fields[6] = PyBool_FromLong(bold);
        result = NULL;
        if (fields[1] && fields[2] && fields[3] && fields[4] && fields[5])
            result = PyObject_Vectorcall(q->line_type, fields, 7, NULL);
        for (f = 0; f < 7; f++)
            Py_XDECREF(fields[f]);
    }
    return result;
}

static PyObject *page_lines(PyObject *self, PyObject *args) {
    PyObject *text, *out, *result;
    unsigned long long page, fns[7];
    int identity;
    queries q;
    Py_ssize_t n, pos = 0, start, end, u16 = 0, u16_start, n_slow = 0;
    int kind, hyphen, slow;
    const void *data;
    (void)self;

    if (!PyArg_ParseTuple(args, "UKp(KKKKKKK)O!OOOdddd:page_lines", &text, &page, &identity,
                          &fns[0], &fns[1], &fns[2], &fns[3], &fns[4], &fns[5], &fns[6],
                          &PyDict_Type, &q.bold_cache, &q.query_bold, &q.line_type, &q.round_fn,
                          &q.left, &q.top, &q.ascent, &q.descent))
        return NULL;
    q.page = (void *)(uintptr_t)page;
    q.identity = identity;
    q.char_box = (char_box_fn)(uintptr_t)fns[0];
    q.char_origin = (char_origin_fn)(uintptr_t)fns[1];
    q.font_size = (font_size_fn)(uintptr_t)fns[2];
    q.matrix = (matrix_fn)(uintptr_t)fns[3];
    q.text_object = (text_object_fn)(uintptr_t)fns[4];
    q.font_of = (font_of_fn)(uintptr_t)fns[5];
    q.char_index = (char_index_fn)(uintptr_t)fns[6];
    q.two = PyLong_FromLong(2);
    if (q.two == NULL)
        return NULL;

    kind = PyUnicode_KIND(text);
    data = PyUnicode_DATA(text);
    n = PyUnicode_GET_LENGTH(text);
    out = PyList_New(0);
    if (out == NULL) {
        Py_DECREF(q.two);
        return NULL;
    }
    while (pos < n) {
        PyObject *item;
        Py_UCS4 c = PyUnicode_READ(kind, data, pos);
        if (is_break(c)) { /* no segment starts on a break: skip it */
            u16 += 1;
            pos++;
            continue;
        }
        start = pos;
        u16_start = u16;
        while (pos < n && !is_break(c = PyUnicode_READ(kind, data, pos))) {
            u16 += c > 0xFFFF ? 2 : 1;
            pos++;
        }
        end = pos;
        hyphen = pos < n && is_hyphen(PyUnicode_READ(kind, data, pos));
        if (hyphen) {
            u16 += 1;
            pos++;
        }
        slow = 0;
        item = line(&q, text, kind, data, start, end, u16_start, hyphen, &slow);
        if (item == NULL && slow == 2)
            continue; /* no line */
        if (item == NULL && slow) {
            item = Py_BuildValue("(Nn)", PyUnicode_Substring(text, start, pos), u16_start);
            n_slow++;
        }
        if (item == NULL || PyList_Append(out, item) < 0) {
            Py_XDECREF(item);
            Py_DECREF(out);
            Py_DECREF(q.two);
            return NULL;
        }
        Py_DECREF(item);
    }
    Py_DECREF(q.two);
    result = Py_BuildValue("(Nn)", out, n_slow);
    return result;
}

static PyMethodDef methods[] = {
    {"page_lines", page_lines, METH_VARARGS,
     "page_lines(text, textpage, identity, functions, bold_cache, query_bold, line_type, "
     "round, left, top, ascent, descent) -> (items, n_slow): Line objects, and for each line "
     "left to Python a (segment, utf16_offset) tuple"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_pdfium_lines", "Per-line PDFium queries in C.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__pdfium_lines(void) { return PyModule_Create(&module); }
