# cmake -DQSTRDEFS=<genhdr/qstrdefs.preprocessed.h> -DFROZEN=<frozen_content.c>
#       -P frozen_content_stale.cmake
#
# Deletes frozen_content.c when the port's qstrs changed after it was made.
# MicroPython's makemanifest.py regenerates it only when a frozen file is
# newer, yet its qstr pool holds the qstrs the port's own pool lacks: a
# build that gains qstrs (a Kconfig change such as the filesystem) would
# otherwise compile both pools with the same names ("redeclaration of
# enumerator 'MP_QSTR_release'"). Runs before makemanifest.py (port.cmake).
if(EXISTS "${FROZEN}" AND EXISTS "${QSTRDEFS}" AND "${QSTRDEFS}" IS_NEWER_THAN "${FROZEN}")
    file(REMOVE "${FROZEN}")
endif()
