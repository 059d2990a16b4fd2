// Only the modules SmartCam's arm64 OpenCvSharpExtern is built with.
#define HAVE_OPENCV_CORE
#define HAVE_OPENCV_IMGCODECS
#define HAVE_OPENCV_IMGPROC
#define HAVE_OPENCV_VIDEOIO
